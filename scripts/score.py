#!/usr/bin/env python3
"""Scores `arshif parse` against a truth file from ../shared/bench/gen_corpus.py.

    scripts/score.py ARTICLES_DIR TRUTH_JSONL [--arshif PATH]

Prints, over all files: title exact-match rate, dates right / missing / WRONG (a wrong date
is worse than none), place and author match, and body F1 (bag of words, micro-averaged over
files), plus the worst files for each so regressions can be looked at.
"""
import argparse, collections, json, subprocess, sys
from pathlib import Path


def words(paragraphs):
    return collections.Counter(w for p in paragraphs for w in p.split())


def f1(got, want):
    g, w = words(got), words(want)
    common = sum((g & w).values())
    if not common:
        return 0.0
    p, r = common / sum(g.values()), common / sum(w.values())
    return 2 * p * r / (p + r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("articles")
    ap.add_argument("truth")
    ap.add_argument("--arshif", default="target/release/arshif")
    args = ap.parse_args()
    truth = [json.loads(l) for l in open(args.truth, encoding="utf-8")]
    files = [str(Path(args.articles) / t["file"]) for t in truth]
    # In chunks: 100,000 paths do not fit on one command line.
    records = []
    for i in range(0, len(files), 2000):
        out = subprocess.run([args.arshif, "parse", *files[i:i + 2000]], capture_output=True, text=True)
        records += [json.loads(l) for l in out.stdout.splitlines()]
    assert len(records) == len(truth), (len(records), len(truth))
    n = len(truth)
    stats = collections.Counter()
    f1s, worst = [], []
    for t, r in zip(truth, records):
        if "error" in r:
            stats["errors"] += 1
            f1s.append(0.0)
            continue
        stats["title"] += r["title"] == t["title"]
        got = (r["published"] or "")[:10] or None
        if t["date"] is None:
            stats["date_right"] += got is None
            stats["date_wrong"] += got is not None
        elif got is None:
            stats["date_missing"] += 1
        else:
            stats["date_right" if got == t["date"] else "date_wrong"] += 1
        stats["place"] += r["place"] == t.get("place")
        stats["author"] += r["author"] == t.get("author")
        score = f1(r["body"], t["body"]) if "body" in t else 0.0
        f1s.append(score)
        worst.append((score, t["file"]))
    pct = lambda k: f"{100 * stats[k] / n:.1f}%"
    print(f"files {n}  errors {stats['errors']}")
    print(f"title exact {pct('title')}  place {pct('place')}  author {pct('author')}")
    print(f"dates right {pct('date_right')}  missing {pct('date_missing')}  WRONG {stats['date_wrong']}")
    print(f"body F1 mean {sum(f1s) / n:.4f}  files below 0.97: {sum(s < 0.97 for s in f1s)}")
    for s, f in sorted(worst)[:5]:
        print(f"  {s:.3f} {f}")
    return 0 if stats["date_wrong"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
