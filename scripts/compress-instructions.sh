#!/usr/bin/env bash
# Instructions (cachegrind's `I refs`, which the machine's load does not change) and bytes of
# each gzip level and brotli quality on an export's pages: benches/compress_levels.rs under
# valgrind, one level a run, less the baseline of reading the pages.
#
#   scripts/compress-instructions.sh EXPORT_DIR [PAGES]     (PAGES default 100)
#
# Prints a markdown table: coding, level, bytes (sum over the pages), % of the pages' bytes,
# instructions per page (millions).
set -euo pipefail
cd "$(dirname "$0")/.."
export ARSHIF_EXPORT=${1:?an export folder}
export ARSHIF_PAGES=${2:-100}
command -v valgrind >/dev/null || { echo "compress-instructions: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
# BENCH=path/to/compress_levels-HASH skips the build (any build of the bench will do).
bench=${BENCH:-$(cargo bench --profile profiling --bench compress_levels --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "compress_levels" and m.get("executable"):
        print(m["executable"])')}
[ -x "$bench" ] || { echo "compress-instructions: no bench binary" >&2; exit 1; }
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
irefs() {
  ARSHIF_ONLY=$1 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bench" >"$out" 2>"$err"
  awk '/I *refs:/ { gsub(",", "", $NF); print $NF }' "$err"
}
base=$(irefs none)
pages=$(grep -oE '^[0-9]+ pages of' "$err" | cut -d' ' -f1)
echo "| coding | level | bytes | of the pages | M instructions a page |"
echo "|---|---:|---:|---:|---:|"
levels=()
for l in 1 2 3 4 5 6 7 8 9; do levels+=("gzip $l"); done
for q in 0 1 2 3 4 5 6 7 8 9 10 11; do levels+=("brotli $q"); done
for q in 4 5 6 9; do levels+=("brotli-lgwin18 $q"); done
for level in "${levels[@]}"; do
  ir=$(irefs "$level")
  # The bench's own row: | name | level | bytes | % | ...
  row=$(grep "^| ${level% *} | ${level##* } |" "$out")
  bytes=$(cut -d'|' -f4 <<<"$row" | tr -d ' ')
  share=$(cut -d'|' -f5 <<<"$row" | tr -d ' ')
  awk -v n="$level" -v b="$bytes" -v s="$share" -v ir="$ir" -v base="$base" -v p="$pages" \
    'BEGIN { split(n, a, " "); printf "| %s | %s | %s | %s | %.2f |\n", a[1], a[2], b, s, (ir - base) / p / 1e6 }'
done
