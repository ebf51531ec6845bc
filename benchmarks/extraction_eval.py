"""Score the claim extractor against the hand labels of the seed articles.

    python benchmarks/extraction_eval.py [--labels DIR] [--verbose]

Prints precision and recall per claim type (country_action, count) and the accuracy of the
article's treaty. A predicted claim matches a label when every labelled field agrees:
country claims on (iso3, action, negated, tense), count claims on (count, action, qualifier,
negated, tense). Each distinct claim of an article counts once.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingestion.news.extract import Claim, extract  # noqa: E402
from ingestion.news.treaties import treaty_aliases  # noqa: E402

KEYS = {
    "country_action": ("iso3", "action", "negated", "tense"),
    "count": ("count", "action", "qualifier", "negated", "tense"),
}


def claim_key(kind: str, fields: dict) -> tuple:
    """The fields two claims must share to match."""
    return (kind, *(fields.get(k) for k in KEYS[kind]))


def evaluate(labels_dir: Path, verbose: bool = False) -> dict[str, dict[str, float]]:
    """Precision, recall and counts per claim type; plus treaty accuracy."""
    articles = json.loads((labels_dir / "articles.json").read_text(encoding="utf-8"))
    gold: dict[str, set[tuple]] = {a["id"]: set() for a in articles}
    gold_treaty = {a["id"]: a.get("treaty", "cybercrime") for a in articles}
    for line in (labels_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[row["article"]].add(claim_key(row["kind"], row))
    aliases = treaty_aliases(REPO / "config" / "watchlist.yml")
    tally = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in KEYS}
    treaty_ok = 0
    for article in articles:
        text = (labels_dir / article["file"]).read_text(encoding="utf-8")
        result = extract(text, aliases=aliases, language=article.get("language"),
                         reference_date=date.fromisoformat(article["published"]))
        treaty_ok += result.treaty == gold_treaty[article["id"]]
        predicted = {claim_key(c.kind, vars(c)) for c in result.claims}
        expected = gold[article["id"]]
        for kind in KEYS:
            p = {k for k in predicted if k[0] == kind}
            g = {k for k in expected if k[0] == kind}
            tally[kind]["tp"] += len(p & g)
            tally[kind]["fp"] += len(p - g)
            tally[kind]["fn"] += len(g - p)
            if verbose:
                for k in sorted(p - g, key=str):
                    print(f"  {article['id']} false positive {k}")
                for k in sorted(g - p, key=str):
                    print(f"  {article['id']} missed {k}")
    scores: dict[str, dict[str, float]] = {}
    for kind, t in tally.items():
        precision = t["tp"] / (t["tp"] + t["fp"]) if t["tp"] + t["fp"] else 1.0
        recall = t["tp"] / (t["tp"] + t["fn"]) if t["tp"] + t["fn"] else 1.0
        scores[kind] = {"precision": precision, "recall": recall, **t}
    scores["treaty"] = {"accuracy": treaty_ok / len(articles), "articles": len(articles)}
    return scores


def main() -> int:
    """Print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=REPO / "benchmarks" / "news_seeds")
    parser.add_argument("--verbose", action="store_true", help="list each error")
    args = parser.parse_args()
    scores = evaluate(args.labels, args.verbose)
    print(f"{'claim type':<16}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for kind in KEYS:
        s = scores[kind]
        print(f"{kind:<16}{s['precision']:>10.2f}{s['recall']:>8.2f}"
              f"{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}")
    t = scores["treaty"]
    print(f"treaty detected correctly in {t['accuracy']:.0%} of {t['articles']} articles")
    return 0


__all__ = ["Claim", "evaluate"]

if __name__ == "__main__":
    sys.exit(main())
