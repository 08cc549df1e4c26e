#!/usr/bin/env bash
# Instructions per search request (callgrind, which the machine's load does not change):
# `arshif serve` (profiling build: release without LTO, line tables) under callgrind on an
# archive already built; one warm-up request of each query, then the counters are zeroed,
# N requests of each query are made, and the counters dumped. Prints each query's
# instructions per request split by stage (scripts/search-split.py: count, top k, stored fields,
# passages, page, hyper); the annotated profile (callgrind_annotate --inclusive=yes) stays in
# OUT for the rest (notes/search-bench.md).
#
#   scripts/search-instructions.sh BUILD_DIR ARTICLES_DIR [N]      (N default 10)
#
# BIN=path/to/arshif skips the build. OUT (default a temporary folder) keeps the profiles.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?the build folder of an archive}
articles=${2:?its articles folder}
n=${3:-10}
command -v valgrind >/dev/null || { echo "search-instructions: valgrind is missing (apt-get install valgrind)" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  cargo build --profile profiling --bin arshif --quiet
  BIN=target/profiling/arshif
fi
out=${OUT:-$(mktemp -d)}
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
for query in 'سوريا' '"وزير الخارجية"'; do
  port=$(free_port)
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.%p" "$BIN" serve \
    --addr "127.0.0.1:$port" --articles "$articles" --build-dir "$build" \
    --log-level warn,arshif::web::server=debug >"$out/serve.log" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$port/healthz"
  # A warm query is measured: until serve's read-ahead of the index has ended (its debug
  # line), each query first asks the disk for its own pages on threads (search/read_ahead.rs),
  # and under valgrind that idle-class thread can take minutes.
  for _ in $(seq 1 600); do
    grep -qE "read [0-9]+ bytes of .* ahead" "$out/serve.log" && break
    sleep 1
  done
  grep -qE "read [0-9]+ bytes of .* ahead" "$out/serve.log" || echo "search-instructions: the read-ahead had not ended" >&2
  url="http://127.0.0.1:$port/search?q=$(encode "$query")"
  curl -fs -o /dev/null "$url"
  callgrind_control -z "$pid" >/dev/null 2>&1
  for _ in $(seq 1 "$n"); do curl -fs -o /dev/null "$url"; done
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.$pid.1" >"$out/annotated.$pid" 2>/dev/null
  echo
  echo "\`$query\`, per request (profile: $out/annotated.$pid):"
  echo
  echo "| part | instructions |"
  echo "|---|---:|"
  python3 scripts/search-split.py "$out/annotated.$pid" "$n"
done
