"""The `treatywatch` console script, run as a user runs it (a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "snapshot" / "untc" / "mtdsg_xml_2018"
TREATYWATCH = str(Path(sys.executable).parent / "treatywatch")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([TREATYWATCH, *args], capture_output=True, text=True, check=False)


def test_parse_untc_prints_one_json_line_per_action() -> None:
    proc = run("parse-untc", str(CORPUS / "XXVII-7-a.en.xml"))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all({"mtdsg_no", "participant", "action", "date"} <= r.keys() for r in records)
    canada = [r for r in records if r["participant"] == "Canada"]
    assert {(r["action"], r["date"]) for r in canada} == {
        ("signature", "1998-04-29"),
        ("ratification", "2002-12-17"),
        ("withdrawal", "2011-12-15"),
    }
    withdrawal = next(r for r in canada if r["action"] == "withdrawal")
    assert withdrawal["effective_date"] == "2012-12-15"


def test_parse_untc_reconstructed_cybercrime_file() -> None:
    proc = run("parse-untc", str(REPO / "snapshot" / "untc" / "XVIII-16.en.xml"))
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 73
    assert {r["action"] for r in records} == {"signature"}
    assert any(r["participant"] == "European Union" for r in records)


def test_parse_untc_bad_file_exits_non_zero_with_reason(tmp_path: Path) -> None:
    page = tmp_path / "XVIII-16.en.xml"
    page.write_text("<html><body><h1>Service Unavailable</h1></body></html>")
    proc = run("parse-untc", str(page))
    assert proc.returncode != 0
    assert str(page) in proc.stderr and "HTML" in proc.stderr
    assert proc.stdout == ""


def test_parse_untc_missing_file() -> None:
    proc = run("parse-untc", "/nonexistent/X-1.en.xml")
    assert proc.returncode != 0 and "/nonexistent/X-1.en.xml" in proc.stderr


def test_extract_prints_one_json_line_per_claim() -> None:
    text = (
        "La France n'a pas signé la Convention de Hanoï le 25 octobre. "
        "Soixante-cinq pays ont signé la Convention.\n"
    )
    proc = subprocess.run([TREATYWATCH, "extract", "-", "--date", "2025-10-26"], input=text,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    keys = {"kind", "treaty", "iso3", "action", "count", "qualifier", "negated", "tense",
            "date", "evidence"}
    assert all(set(r) == keys for r in records)
    events = [r for r in records if r["kind"] == "event_date"]  # article-level (issue 10)
    assert [(e["date"], e["action"]) for e in events] == [("2025-10-25", "signature")]
    france, count = [r for r in records if r["kind"] != "event_date"]
    assert (france["iso3"], france["negated"], france["date"]) == ("FRA", True, "2025-10-25")
    assert (count["kind"], count["count"], count["qualifier"]) == ("count", 65, "exact")
    assert france["treaty"] == "cybercrime"


def test_extract_a_seed_file() -> None:
    proc = run("extract", str(REPO / "benchmarks" / "news_seeds" / "002.txt"))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["count"] for r in records if r["kind"] != "event_date"] == [65]
