#!/usr/bin/env bash
# Build and start-up figures of `arshif` on generated corpora (issue 6, "Performance and scale").
#
#   scripts/bench-build.sh [N ...]          (default: 1000 10000 100000)
#
# For each N: generates N dumps with gen_corpus.py (once; kept under $BENCH_DIR), then measures
#   build      `arshif build` from nothing: wall time, dumps/s, CPU time (user + system: on a
#              shared machine the steadier figure), peak RSS (/usr/bin/time -v)
#   unchanged  the same build again, nothing changed
#   +1 dump    the build after adding one new dump (then the dump is removed again)
#   serve      `arshif serve` from start to the first 200 on `/`, and its resident memory then
#              and after 50 article pages
# Each figure is the best of $REPEAT runs (the machine is shared: noise only ever adds).
# The table goes to stdout; the same rows, tab-separated, to $BENCH_DIR/build-bench.tsv, so
# that scripts/bench.sh can call this and merge the rows with its own.
#
# Environment: ARSHIF (the binary; default target/release/arshif, built when missing),
# BENCH_DIR (default /tmp/arshif-bench), GEN_CORPUS (default ../shared/bench/gen_corpus.py),
# REPEAT (default 3), PORT (default 18631).
set -euo pipefail
cd "$(dirname "$0")/.."

ARSHIF=${ARSHIF:-target/release/arshif}
BENCH_DIR=${BENCH_DIR:-/tmp/arshif-bench}
GEN_CORPUS=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
REPEAT=${REPEAT:-3}
PORT=${PORT:-18631}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 100000)

[ -x "$ARSHIF" ] || cargo build --release --quiet
[ -f "$GEN_CORPUS" ] || { echo "bench-build: no generator at $GEN_CORPUS (set GEN_CORPUS)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-build: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$BENCH_DIR"

server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; }
trap cleanup EXIT

# The smaller of two decimals.
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }

# Runs one build under /usr/bin/time; prints "seconds peak_kb cpu_seconds". A build whose
# report has errors (bad dumps) exits 1 and still counts; one that wrote no archive does not.
timed_build() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$ARSHIF" build --articles "$1" --build-dir "$2" >/dev/null 2>"$log" || true
  [ -f "$2/archive.bin" ] || {
    tail -n 30 "$log" >&2
    exit 1
  }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /Maximum resident set size/ { kb = $2 }
              /User time|System time/ { cpu += $2 }
              END { printf "%.2f %d %.2f\n", s, kb, cpu }' "$log"
  rm -f "$log"
}

now() { date +%s.%N; }

# Starts the server and stops it again; sets serve_s (start to the first 200 on /), rss_kb
# (resident memory then) and rss_after_kb (after 50 article pages). Runs in this shell, not a
# subshell, so that the EXIT trap can stop a server left running by an error.
serve_start() {
  local articles=$1 out=$2 t0 t1 code="" ids
  t0=$(now)
  ARSHIF_LOG_LEVEL=warn "$ARSHIF" serve --articles "$articles" --build-dir "$out" \
    --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 20000); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)
    [ "$code" = 200 ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.005
  done
  t1=$(now)
  [ "$code" = 200 ] && kill -0 "$server" 2>/dev/null || {
    echo "bench-build: serve did not answer 200 (is port $PORT taken? set PORT)" >&2
    exit 1
  }
  rss_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")
  # awk reads the whole listing: `head` would close the pipe early and fail it (pipefail).
  ids=$(ls "$articles" | awk -F'[_.]' '/^[0-9]+_[0-9a-f]+\.txt$/ && n++ < 50 { print $2 }')
  for id in $ids; do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/articles/$id"
  done
  rss_after_kb=$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  serve_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

tsv="$BENCH_DIR/build-bench.tsv"
printf 'dumps\tinput_mb\tbuild_s\tbuild_cpu_s\tdumps_per_s\tbuild_peak_mb\tunchanged_s\tplus_one_s\tplus_one_cpu_s\tplus_one_peak_mb\tserve_ready_s\tserve_rss_mb\tserve_rss_after_mb\n' >"$tsv"
printf '%8s %8s %8s %8s %8s %8s %10s %7s %8s %8s %8s %8s %9s\n' \
  dumps "in MB" "build s" "cpu s" "dumps/s" "peak MB" "unchanged" "+1 s" "+1 cpu" "+1 MB" "serve s" "serve MB" "after 50"

extra="$BENCH_DIR/extra"
if [ ! -f "$extra/one.txt" ]; then
  # A dump no corpus has: another seed of the generator.
  rm -rf "$extra"
  python3 "$GEN_CORPUS" 1 "$extra/gen" --seed 999 >/dev/null
  mv "$extra"/gen/*.txt "$extra/one.txt"
fi

for n in "${SIZES[@]}"; do
  corpus="$BENCH_DIR/c$n"
  if [ "$(ls "$corpus/articles" 2>/dev/null | wc -l)" -ne "$n" ]; then
    rm -rf "$corpus"
    python3 "$GEN_CORPUS" "$n" "$corpus/articles" >/dev/null
  fi
  articles="$corpus/articles"
  out="$corpus/out"
  input_mb=$(du -sm "$articles" | cut -f1)
  build="" cpu="" peak="" unchanged="" plus="" plus_cpu="" plus_peak="" ready="" rss="" rss_after=""
  for _ in $(seq 1 "$REPEAT"); do
    rm -rf "$out"
    read -r s kb c < <(timed_build "$articles" "$out")
    build=$(min "$s" "$build") peak=$(min "$kb" "$peak") cpu=$(min "$c" "$cpu")
    read -r s _ _ < <(timed_build "$articles" "$out")
    unchanged=$(min "$s" "$unchanged")
    cp "$extra/one.txt" "$articles/999999_0ddba11ca5cade00.txt"
    read -r s kb c < <(timed_build "$articles" "$out")
    plus=$(min "$s" "$plus") plus_peak=$(min "$kb" "$plus_peak") plus_cpu=$(min "$c" "$plus_cpu")
    rm "$articles/999999_0ddba11ca5cade00.txt"
    timed_build "$articles" "$out" >/dev/null
    serve_start "$articles" "$out"
    ready=$(min "$serve_s" "$ready") rss=$(min "$rss_kb" "$rss") rss_after=$(min "$rss_after_kb" "$rss_after")
  done
  rate=$(awk -v n="$n" -v s="$build" 'BEGIN { printf "%.0f", n / s }')
  mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
  row=("$n" "$input_mb" "$build" "$cpu" "$rate" "$(mb "$peak")" "$unchanged" "$plus" "$plus_cpu"
    "$(mb "$plus_peak")" "$ready" "$(mb "$rss")" "$(mb "$rss_after")")
  (IFS=$'\t'; echo "${row[*]}") >>"$tsv"
  printf '%8s %8s %8s %8s %8s %8s %10s %7s %8s %8s %8s %8s %9s\n' "${row[@]}"
done
