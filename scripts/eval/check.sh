#!/usr/bin/env bash
# Scores the parser on every set of tests/fixtures/ that has a gold.json (real-pages, layouts),
# and on the original HTML of the real pages (real-pages-html), with scripts/eval/score.py, printing fields, body P/R/F1, leaks and wrong dates for each,
# and fails when a figure is below its floor in tests/fixtures/score-floors.txt.
#
# usage: scripts/eval/check.sh [ARSHIF]     (default target/debug/arshif, built by cargo test)
# FLOORS=FILE overrides the floors file. Needs python3. tests/fixtures/real-pages/gold.json is a
# copy of the shared ../shared/real-pages/gold.json (CI has no ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."

arshif=${1:-target/debug/arshif}
floors=${FLOORS:-tests/fixtures/score-floors.txt}
[ -x "$arshif" ] || { echo "check.sh: no arshif binary at $arshif" >&2; exit 1; }
command -v python3 >/dev/null || { echo "check.sh: python3 is missing" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
for set in real-pages layouts; do
  dir=tests/fixtures/$set
  echo "-- $set ($dir, $(ls "$dir"/*.txt | wc -l) dumps)"
  # `arshif parse` exits 1 when a dump holds no article, which some gold pages expect; any
  # other failure (a crash, a missing binary) is the step's failure.
  rc=0
  "$arshif" parse "$dir"/*.txt >"$out/$set.jsonl" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "check.sh: $arshif parse failed on $set (exit $rc)" >&2
    failed=1
    continue
  fi
  python3 scripts/eval/score.py "$dir/gold.json" "$out/$set.jsonl" --floors "$floors" --set "$set" || failed=1
done
# The original HTML of real pages (tests/fixtures/real-pages/html), against the same gold: the
# gold is keyed by the text dumps' names, so a record's source NAME.html stands for NAME.txt,
# and only the pages that have HTML are scored (a page whose record is missing still counts).
html=tests/fixtures/real-pages/html
echo "-- real-pages-html ($html, $(ls "$html"/*.html | wc -l) pages)"
rc=0
"$arshif" parse "$html"/*.html >"$out/html.raw.jsonl" || rc=$?
if [ "$rc" -gt 1 ]; then
  echo "check.sh: $arshif parse failed on real-pages-html (exit $rc)" >&2
  failed=1
else
  python3 - "$html" tests/fixtures/real-pages/gold.json "$out" <<'PY'
import json, os, sys
html, gold, out = sys.argv[1:]
stems = {f.rsplit(".", 1)[0] for f in os.listdir(html) if f.endswith(".html")}
kept = [g for g in json.load(open(gold, encoding="utf-8")) if g["file"].rsplit(".", 1)[0] in stems]
json.dump(kept, open(f"{out}/html-gold.json", "w", encoding="utf-8"), ensure_ascii=False)
with open(f"{out}/html.jsonl", "w", encoding="utf-8") as w:
    for line in open(f"{out}/html.raw.jsonl", encoding="utf-8"):
        r = json.loads(line)
        r["source"] = r.get("source", "").rsplit(".", 1)[0] + ".txt"
        w.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
  python3 scripts/eval/score.py "$out/html-gold.json" "$out/html.jsonl" --floors "$floors" --set real-pages-html || failed=1
fi
[ "$failed" -eq 0 ] || echo "check.sh: a score is below its floor (or the parse failed): see above" >&2
exit "$failed"
