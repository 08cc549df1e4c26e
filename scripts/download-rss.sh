#!/usr/bin/env bash
# Whether `/archive.jsonl.gz` streams in flat memory (issue 15): the peak RSS of `arshif serve`
# answering one page, against the same with the whole download fetched (the first request,
# streamed while the file is written beside the archive, then the file sent). The difference
# is what the download costs; flat memory means it does not grow with the archive.
#
#   scripts/download-rss.sh ARTICLES_DIR BUILD_DIR [ARSHIF]
#
# ARSHIF defaults to target/release/arshif. BUILD_DIR is built first when stale (not timed).
# Peak RSS comes from GNU time (/usr/bin/time -v), so a loaded machine does not change it.
# Run it at two sizes (gen_corpus.py 10000 and 100000) to see the difference stay put. The
# server listens on 127.0.0.1 only and is stopped by its PID.
set -euo pipefail
articles=$1
build=$2
bin=${3:-target/release/arshif}
[ -x /usr/bin/time ] || { echo "download-rss: /usr/bin/time (GNU time) is missing" >&2; exit 1; }
command -v curl >/dev/null || { echo "download-rss: curl is missing" >&2; exit 1; }

"$bin" build --articles "$articles" --build-dir "$build" >/dev/null 2>&1 || [ $? -eq 3 ]
rm -f "$build"/archive-*.jsonl.gz
n=$(ls "$articles" | grep -c '\.txt$' || true)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# One serve run: `serve`, wait for it, fetch what "$@" says, stop it, print its peak RSS in kB.
peak() {
  /usr/bin/time -v -o "$log" "$bin" serve --articles "$articles" --build-dir "$build" \
    --addr "127.0.0.1:$port" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
    curl -fs -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.5
  done
  "$@"
  # GNU time's child is the server: stop it, not time.
  pkill -TERM -P "$pid" || true
  wait "$pid" || true
  awk -F': ' '/Maximum resident set size/ {print $2}' "$log"
}

page_only() { curl -fs -o /dev/null "http://127.0.0.1:$port/"; }
download() {
  curl -fs -o /dev/null "http://127.0.0.1:$port/"
  # The first request streams while the file is written; wait for the file, then fetch it.
  curl -fs -o /dev/null "http://127.0.0.1:$port/archive.jsonl.gz"
  for _ in $(seq 1 1200); do
    ls "$build"/archive-*.jsonl.gz >/dev/null 2>&1 &&
      curl -fsI "http://127.0.0.1:$port/archive.jsonl.gz" | grep -qi '^content-length' && break
    sleep 0.5
  done
  curl -fs -o /dev/null "http://127.0.0.1:$port/archive.jsonl.gz"
}

base=$(peak page_only)
rm -f "$build"/archive-*.jsonl.gz
with=$(peak download)
size=$(stat -c %s "$build"/archive-*.jsonl.gz)
echo "articles: $n  download: $((size / 1024)) KiB gzip"
echo "serve peak RSS, one page:             $base kB"
echo "serve peak RSS, page + whole download: $with kB"
echo "the download's cost:                  $((with - base)) kB"
