#!/usr/bin/env bash
# Instructions per search request over distinct queries, each page asked once, so that no
# cache (tantivy's blocks, the archive's kept bodies) answers a request again: `arshif
# serve` under callgrind on an archive already built, one warm-up search, counters zeroed,
# then 12 queries other than the bench's, pages 1 and 2 (notes/search-bench.md, session 23).
#
#   scripts/search-instructions-varied.sh BIN BUILD_DIR ARTICLES_DIR [OUT_PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?an arshif binary} build=${2:?the build folder of an archive} articles=${3:?its articles folder}
out=${4:-$(mktemp -d)/callgrind}
command -v valgrind >/dev/null || { echo "search-instructions-varied: valgrind is missing" >&2; exit 1; }
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
port=$(free_port)
valgrind --tool=callgrind --callgrind-out-file="$out.%p" "$bin" serve --addr "127.0.0.1:$port" \
  --articles "$articles" --build-dir "$build" --log-level warn >/dev/null 2>&1 &
pid=$!
# The server goes with the script, whatever stops it.
trap 'kill "$pid" 2>/dev/null || true' EXIT
wait_for "http://127.0.0.1:$port/healthz"
curl -fs -o /dev/null -G --data-urlencode "q=سوريا" "http://127.0.0.1:$port/search"
callgrind_control -z "$pid" >/dev/null 2>&1
n=0 missing=0
for q in 'لافروف' 'موسكو' 'واشنطن' 'القاهرة' 'النفط' 'الانتخابات' 'اللاجئين' 'الحكومة' \
  'البرلمان' 'الرئيس' '"الأمم المتحدة"' '"مجلس الأمن"'; do
  for p in 1 2; do
    # A page past the last is a 404 (a cheap request): counted, and said.
    code=$(curl -s -o /dev/null -w '%{http_code}' -G --data-urlencode "q=$q" \
      --data-urlencode "page=$p" "http://127.0.0.1:$port/search")
    n=$((n + 1))
    [ "$code" = 200 ] || missing=$((missing + 1))
  done
done
callgrind_control -d "$pid" >/dev/null 2>&1
kill "$pid"; wait "$pid" 2>/dev/null || true
total=$(callgrind_annotate "$out.$pid.1" 2>/dev/null | grep -m1 "PROGRAM TOTALS" | awk '{gsub(",","",$1); print $1}')
echo "$n requests ($missing not 200), $total instructions, $(python3 -c "print(round($total / $n / 1e6, 2))") M a request (profile: $out.$pid.1)"
