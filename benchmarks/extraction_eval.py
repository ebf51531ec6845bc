"""Score the claim extractor against the hand-labelled articles of ../shared/news_dev.

    python benchmarks/extraction_eval.py [--shared DIR] [--half dev|heldout|all] [--verbose]

The split (decided once, before tuning; see ``split_of``): the 24 files are sorted by
(language, file name) and dealt alternately, the first to ``dev``, the next to ``heldout``,
and so on. Every language with two or more articles lands in both halves and each half has 12
articles. Rules are written against ``dev`` only; ``heldout`` is the score that counts.

Fields scored (precision / recall over the distinct items of each article, summed):
- signed:     countries said to have signed (affirmed, past) -> labels countries_said_to_sign
- ratified:   countries said to have ratified or acceded   -> labels countries_said_to_ratify
- counts:     (count, action, qualifier) of affirmed past count claims -> labels count_claims
- negations:  countries said NOT to have signed/ratified -> the negation traps the dataset's
              README lists per article (NEGATION_LABELS below; the labels file has no field)
- event_dates: ISO dates of the treaty's events (claims of kind event_date) -> event_dates
- treaty:     right when the article is about the watched Cybercrime Convention and the
              extractor says so, or about another treaty and it names no watched one
              (None, or the look-alike's own slug such as budapest-convention).
Then the throughput of ``extract`` on one core, in articles per CPU second: on the 24 news_dev
openings (about 2 KB each) and on the five full seed articles of benchmarks/news_seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingestion.news.extract import Extraction, extract  # noqa: E402
from ingestion.news.treaties import treaty_aliases  # noqa: E402

WATCHED = {"un-cybercrime-convention": "cybercrime"}  # label slug -> watchlist id
FIELDS = ("signed", "ratified", "counts", "negations", "event_dates")
# The negation traps of news_dev/README.md ("Per-article notes"): states the text says did
# not sign. Kept here because labels.json lists only what was said to happen.
NEGATION_LABELS = {"01": {"USA"}, "08": {"NLD"}, "23": {"DEU", "USA"}}
_QUALIFIER = {"approximate": "approx"}  # extractor name -> label name


def split_of(files: list[str]) -> dict[str, str]:
    """file -> 'dev' | 'heldout': alternate over the files sorted by (language, name)."""
    ordered = sorted(files, key=lambda f: (f.split("_")[1], f))
    return {f: ("dev" if i % 2 == 0 else "heldout") for i, f in enumerate(ordered)}


def read_article(path: Path) -> tuple[dict[str, str], str]:
    """Header fields and body of a news_dev article file."""
    raw = path.read_text(encoding="utf-8")
    head, _, body = raw.partition("\n\n")
    fields = dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "")
                  for line in head.splitlines())
    return fields, body


def predicted_items(result: Extraction) -> dict[str, set]:
    """What the extractor says, in the labels' terms."""
    out: dict[str, set] = {f: set() for f in FIELDS}
    for c in result.claims:
        if c.kind == "event_date":
            out["event_dates"].add(c.date)
            continue
        if c.tense != "past":
            continue
        if c.kind == "country_action":
            if c.negated:
                out["negations"].add(c.iso3)
            elif c.action == "signature":
                out["signed"].add(c.iso3)
            else:
                out["ratified"].add(c.iso3)
        elif c.kind == "count" and not c.negated:
            action = "signature" if c.action == "signature" else "ratification"
            out["counts"].add((c.count, action, _QUALIFIER.get(c.qualifier, c.qualifier)))
    return out


def gold_items(label: dict) -> dict[str, set]:
    """The labels of one article as sets."""
    return {
        "signed": set(label["countries_said_to_sign"]),
        "ratified": set(label["countries_said_to_ratify"]),
        "counts": {(c["count"], c["action"], c["qualifier"]) for c in label["count_claims"]},
        "negations": NEGATION_LABELS.get(label["file"][:2], set()),
        "event_dates": set(label["event_dates"]),
    }


def _pr(t: dict[str, int]) -> tuple[float, float]:
    precision = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0
    recall = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0
    return precision, recall


SEED_KEYS = {
    "country_action": ("iso3", "action", "negated", "tense"),
    "count": ("count", "action", "qualifier", "negated", "tense"),
}


def _seed_key(kind: str, fields: dict) -> tuple:
    return (kind, *(fields.get(k) for k in SEED_KEYS[kind]))


def evaluate_seeds(labels_dir: Path) -> dict[str, dict[str, float]]:
    """The five seed articles of benchmarks/news_seeds (claim-level labels, all fields)."""
    articles = json.loads((labels_dir / "articles.json").read_text(encoding="utf-8"))
    gold: dict[str, set[tuple]] = {a["id"]: set() for a in articles}
    for line in (labels_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[row["article"]].add(_seed_key(row["kind"], row))
    aliases = treaty_aliases(REPO / "config" / "watchlist.yml")
    tally = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in SEED_KEYS}
    treaty_ok = 0
    for article in articles:
        text = (labels_dir / article["file"]).read_text(encoding="utf-8")
        result = extract(text, aliases=aliases, language=article.get("language"),
                         reference_date=date.fromisoformat(article["published"]))
        treaty_ok += result.treaty == article.get("treaty", "cybercrime")
        predicted = {_seed_key(c.kind, vars(c)) for c in result.claims if c.kind in SEED_KEYS}
        for kind in SEED_KEYS:
            p = {k for k in predicted if k[0] == kind}
            g = {k for k in gold[article["id"]] if k[0] == kind}
            tally[kind]["tp"] += len(p & g)
            tally[kind]["fp"] += len(p - g)
            tally[kind]["fn"] += len(g - p)
    scores: dict[str, dict[str, float]] = {}
    for kind, t in tally.items():
        precision, recall = _pr(t)
        scores[kind] = {"precision": precision, "recall": recall, **t}
    scores["treaty"] = {"accuracy": treaty_ok / len(articles), "articles": len(articles)}
    return scores


def evaluate(shared: Path, half: str, verbose: bool = False) -> dict:
    """Tallies per field, per language and treaty accuracy for one half (or 'all')."""
    labels = json.loads((shared / "news_dev" / "labels.json").read_text(encoding="utf-8"))
    halves = split_of([lab["file"] for lab in labels])
    aliases = treaty_aliases(REPO / "config" / "watchlist.yml")
    tally = {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS}
    per_lang: dict[str, dict[str, dict[str, int]]] = defaultdict(
        lambda: {f: {"tp": 0, "fp": 0, "fn": 0} for f in FIELDS})
    treaty_ok, n, lang_ok = 0, 0, 0
    for label in labels:
        if half != "all" and halves[label["file"]] != half:
            continue
        header, body = read_article(shared / "news_dev" / "articles" / label["file"])
        published = header.get("published", "unknown")
        reference = date.fromisoformat(published) if published != "unknown" else None
        result = extract(body, aliases=aliases, reference_date=reference)
        n += 1
        lang_ok += result.language == header["language"]
        expected_treaty = WATCHED.get(label["treaty"])
        # another treaty's article is right when no watched treaty is named (None or the
        # look-alike's own slug, e.g. budapest-convention)
        said = result.treaty if result.treaty in WATCHED.values() else None
        ok = said == expected_treaty
        treaty_ok += ok
        if verbose and not ok:
            print(f"  {label['file']} treaty {result.treaty!r}, labelled {label['treaty']!r}")
        if verbose and result.language != header["language"]:
            print(f"  {label['file']} language {result.language!r}")
        pred, gold = predicted_items(result), gold_items(label)
        for f in FIELDS:
            for bucket in (tally[f], per_lang[header["language"]][f]):
                bucket["tp"] += len(pred[f] & gold[f])
                bucket["fp"] += len(pred[f] - gold[f])
                bucket["fn"] += len(gold[f] - pred[f])
            if verbose:
                for item in sorted(pred[f] - gold[f], key=str):
                    print(f"  {label['file']} {f} false positive {item}")
                for item in sorted(gold[f] - pred[f], key=str):
                    print(f"  {label['file']} {f} missed {item}")
    return {"fields": tally, "languages": dict(per_lang), "treaty_ok": treaty_ok,
            "language_ok": lang_ok, "articles": n}


def _news_dev_texts(shared: Path) -> list[tuple[str, date | None]]:
    articles = []
    for path in sorted((shared / "news_dev" / "articles").glob("*.txt")):
        header, body = read_article(path)
        published = header.get("published", "unknown")
        articles.append((body, date.fromisoformat(published) if published != "unknown" else None))
    return articles


def _seed_texts() -> list[tuple[str, date | None]]:
    seeds = REPO / "benchmarks" / "news_seeds"
    listed = json.loads((seeds / "articles.json").read_text(encoding="utf-8"))
    return [((seeds / a["file"]).read_text(encoding="utf-8"), date.fromisoformat(a["published"]))
            for a in listed]


def throughput(articles: list[tuple[str, date | None]], rounds: int = 20) -> tuple[float, float]:
    """Articles per second of ``extract`` in this process, after a warm-up pass.

    Returns (per CPU second, per wall-clock second): the process runs on one core, and its
    CPU time is what the extractor costs whatever else the machine is doing.
    """
    aliases = treaty_aliases(REPO / "config" / "watchlist.yml")
    for body, ref in articles:
        extract(body, aliases=aliases, reference_date=ref)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for body, ref in articles:
            extract(body, aliases=aliases, reference_date=ref)
    n = rounds * len(articles)
    return n / (time.process_time() - cpu_started), n / (time.perf_counter() - started)


def print_scores(title: str, scores: dict) -> None:
    """One table per half: fields, then languages."""
    print(f"\n== {title}: {scores['articles']} articles ==")
    print(f"{'field':<14}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for f, t in scores["fields"].items():
        p, r = _pr(t)
        print(f"{f:<14}{p:>10.2f}{r:>8.2f}{t['tp']:>5}{t['fp']:>5}{t['fn']:>5}")
    print(f"treaty right on {scores['treaty_ok']}/{scores['articles']} articles; "
          f"language right on {scores['language_ok']}/{scores['articles']}")
    print(f"{'language':<10}" + "".join(f"{f:>16}" for f in FIELDS) + "   (P/R tp)")
    for lang in sorted(scores["languages"]):
        cells = []
        for f in FIELDS:
            t = scores["languages"][lang][f]
            p, r = _pr(t)
            cells.append(f"{p:.2f}/{r:.2f} {t['tp']:>2}" if t["tp"] + t["fp"] + t["fn"] else "-")
        print(f"{lang:<10}" + "".join(f"{c:>16}" for c in cells))


def main() -> int:
    """Print dev and held-out scores and the throughput."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--half", choices=("dev", "heldout", "all", "both"), default="both")
    parser.add_argument("--verbose", action="store_true", help="list each error")
    parser.add_argument("--rounds", type=int, default=20, help="throughput repetitions")
    args = parser.parse_args()
    if not (args.shared / "news_dev" / "labels.json").is_file():
        print(f"extraction_eval: no labels at {args.shared / 'news_dev' / 'labels.json'}",
              file=sys.stderr)
        return 2
    seeds = evaluate_seeds(REPO / "benchmarks" / "news_seeds")
    print("seed articles (benchmarks/news_seeds): " + ", ".join(
        f"{k} P={v['precision']:.2f} R={v['recall']:.2f}" for k, v in seeds.items()
        if k in SEED_KEYS))
    halves = ("dev", "heldout") if args.half == "both" else (args.half,)
    for half in halves:
        print_scores(half, evaluate(args.shared, half, args.verbose))
    if args.rounds:
        print()
        for name, texts in (("news_dev openings (~2 KB)", _news_dev_texts(args.shared)),
                            ("full seed articles (4.6-10.7 KB)", _seed_texts())):
            cpu_rate, wall_rate = throughput(texts, args.rounds)
            print(f"throughput on {name}: {cpu_rate:.0f} articles per CPU second on one core "
                  f"({wall_rate:.0f}/s wall clock on a shared machine; {args.rounds} rounds of "
                  f"{len(texts)} articles; target 200)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
