#!/usr/bin/env bash
# Search figures of `arshif serve` (issue 13): wrk with CONNS connections (default 8) on
# `/search?q=…` for a word in most articles (سوريا), a phrase ("وزير الخارجية", one term of
# the pairs fields), a three-word phrase ("وزير الخارجية الروسي", by positions, bounded by its
# pairs) and a phrase of two uncommon words ("جون كيري", by positions, bounded by its words), in ROUNDS
# interleaved rounds (default 3), medians, the load average before and after each round, and
# the server's CPU time per request (steady under load, unlike req/s).
#
#   scripts/bench-search.sh [N]        (default 100000: the issue's rows)
#   ARTICLES=/tmp/c100k scripts/bench-search.sh 100000
#
# What it measures: the same query again and again on a warm server (its index in the page
# cache). Search pages are not kept by the server's response cache (they are
# `Cache-Control: private`, see web/http/response_cache.rs), so every request runs the query,
# loads its ten results' stored fields and builds their passages. No peer: Pagefind, the
# usual search of a static site, answers in the reader's browser from index files fetched
# over the network; scripts/bench.sh compares its index build time and size instead.
#
# Alone, it generates the corpus (../shared/bench/gen_corpus.py N, SEED default 7) in $WORK/N
# (default /tmp/arshif-bench) when missing, or takes the dumps of ARTICLES (a corpus already
# generated, e.g. ARTICLES=/tmp/c100k, read only) with its build in $WORK/N-given; it runs
# `arshif build` first (incremental: nothing to do when up to date, and an index an older
# arshif wrote is written again before the server starts), and starts the server itself.
# scripts/bench.sh calls it with URL (and SERVER_PID) of the server it has running and
# appends the rows to its table.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

N=${1:-100000}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-8}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-7}
WORK=${WORK:-/tmp/arshif-bench}
GEN=${GEN:-$root/../shared/bench/gen_corpus.py}
URL=${URL:-}
SERVER_PID=${SERVER_PID:-}
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; }
trap cleanup EXIT

standalone=0
if [ -z "$URL" ]; then
  standalone=1
  command -v wrk >/dev/null || { echo "bench-search: wrk is missing (apt-get install wrk)" >&2; exit 1; }
  cargo build --release --quiet
  bin=$root/target/release/arshif
  if [ -n "${ARTICLES:-}" ]; then
    articles=$ARTICLES
    build=$WORK/$N-given/build
  else
    dir=$WORK/$N
    ensure_corpus "$dir" "$N" "$SEED"
    articles=$dir/articles
    build=$dir/build
  fi
  say "$N articles: arshif build ($articles)"
  "$bin" build --articles "$articles" --build-dir "$build" >/dev/null 2>&1 || true
  [ -f "$build/archive.bin" ] || { echo "bench-search: the build failed" >&2; exit 1; }
  port=$(free_port)
  "$bin" serve --addr "127.0.0.1:$port" --articles "$articles" --build-dir "$build" \
    --log-level warn >/dev/null 2>&1 &
  server=$!
  SERVER_PID=$server
  URL=http://127.0.0.1:$port
  wait_for "$URL/healthz"
fi

encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
# Each row: its label's key, what the row says it searches, and the query.
keys=(word phrase long rare)
declare -A what=(
  [word]="search a word" [phrase]="search a phrase" [long]="search a three-word phrase"
  [rare]="search a phrase of two uncommon words"
)
declare -A query=(
  [word]=سوريا [phrase]='"وزير الخارجية"' [long]='"وزير الخارجية الروسي"' [rare]='"جون كيري"'
)
declare -A url found
# How many results each has, as the page says.
count() { curl -fs "$1" | grep -o '<p class="summary">[^،.<]*' | sed 's/<p class="summary">//' | head -1; }
for key in "${keys[@]}"; do
  url[$key]="$URL/search?q=$(encode "${query[$key]}")"
  code=$(curl -so /dev/null -w '%{http_code}' "${url[$key]}")
  [ "$code" = 200 ] || { echo "bench-search: ${url[$key]} answers $code" >&2; exit 1; }
  found[$key]=$(count "${url[$key]}")
done

for key in "${keys[@]}"; do forget "search-$key.$N"; done
for _ in $(seq 1 "$ROUNDS"); do
  for key in "${keys[@]}"; do
    record "search-$key.$N" wrk_run "${url[$key]}" "$THREADS" "$CONNS" "$DURATION" "" "$SERVER_PID"
  done
done

if [ "$standalone" = 1 ]; then
  echo "| articles | what | peer | peer figure | arshif | arshif figure | ratio | load before / after (highest) |"
  echo "|---:|---|---|---:|---|---:|---:|---:|"
fi
for key in "${keys[@]}"; do
  echo "| $N | ${what[$key]}, $CONNS connections (\`${query[$key]}\`: ${found[$key]}) | Pagefind: in the browser | | arshif serve | $(rps_figure "search-$key.$N") | | $(peak_load "search-$key.$N") |"
done
