"""(Re)build the offline snapshot index: every recorded response the offline run replays.

Copies the real 2018 MTDSG files from ../shared/untc/mtdsg_xml_2018 into
snapshot/untc/mtdsg_xml_2018/ (byte for byte), adds the reconstructed XVIII-16 file
(scripts/build_xviii16_snapshot.py), and writes snapshot/index.json (URL -> file, status,
content type) and config/mtdsg_catalogue.txt (the MTDSG numbers of "all treaties" mode).

Usage: python scripts/build_offline_snapshot.py [--shared PATH]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingestion.untc.urls import DEFAULT_BASE_URL, mtdsg_xml_url  # noqa: E402
from ingestion.watchlist import _mtdsg_sort_key  # noqa: E402

XML_TYPE = "text/xml"


def main() -> None:
    """Copy the corpus, write the index and the catalogue."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    snapshot = REPO / "snapshot"
    corpus_dst = snapshot / "untc" / "mtdsg_xml_2018"
    corpus_dst.mkdir(parents=True, exist_ok=True)
    for src in sorted((args.shared / "untc" / "mtdsg_xml_2018").glob("*.en.xml")):
        shutil.copyfile(src, corpus_dst / src.name)

    files = {p.name.removesuffix(".en.xml"): p for p in sorted(corpus_dst.glob("*.en.xml"))}
    reconstructed = snapshot / "untc" / "XVIII-16.en.xml"
    if not reconstructed.exists():
        raise SystemExit(f"{reconstructed} missing: run scripts/build_xviii16_snapshot.py first")
    files["XVIII-16"] = reconstructed

    # Keep the other sources' recordings (news/ ... are written by their own scripts).
    index_path = snapshot / "index.json"
    previous = json.loads(index_path.read_text(encoding="utf-8")) if index_path.exists() else {}
    others = {url: e for url, e in previous.items() if not e["path"].startswith("untc/")}
    index = {
        mtdsg_xml_url(no, DEFAULT_BASE_URL): {
            "path": str(path.relative_to(snapshot)),
            "status": 200,
            "content_type": XML_TYPE,
        }
        for no, path in sorted(files.items(), key=lambda kv: _mtdsg_sort_key(kv[0]))
    }
    index |= others
    index_path.write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    catalogue = REPO / "config" / "mtdsg_catalogue.txt"
    catalogue.write_text(
        "# MTDSG numbers fetched in 'all treaties' mode: the treaties of the offline snapshot\n"
        "# (2018 corpus + XVIII-16). Live UNTC holds ~560; add numbers here to follow more.\n"
        + "\n".join(sorted(files, key=_mtdsg_sort_key)) + "\n",
        encoding="utf-8",
    )
    print(f"{len(index)} recorded responses; catalogue of {len(files)} treaties")


if __name__ == "__main__":
    main()
