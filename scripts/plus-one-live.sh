#!/usr/bin/env bash
# The million's live `+1` (issue 13): `arshif serve --watch` on a build folder, one *distinct*
# new dump copied into ARTICLES a round, each after a one-minute load ≤ 0.90. Each round prints
# the server's own figure, its log line "rebuilt (…) in T from its start to the swap" (the
# watcher's quiet window before the start is not in it), the time from the copy to that line,
# and the server's CPU and minor faults over the round (/proc/PID/stat). A server's first
# rebuild is its slowest (its heap comes fresh from the kernel: notes/build-bench.md, session
# 57), so the rounds are all printed, the first among them.
#
#   scripts/plus-one-live.sh ROUNDS BIN BUILD_DIR [PORT]
#
# ARTICLES (default /tmp/m1/articles: `gen_corpus.py 1000000 /tmp/m1/articles --seed 11`), NEW
# (default OUT/new: `gen_corpus.py 60 NEW --seed 5353` when missing) and OUT (default
# /tmp/plus-one-live: the server's log and the round counter) can be set. The dumps are named
# as scripts/plus-one.sh names them, and one either script copied in already is skipped, so
# the two can take turns on one corpus. BUILD_DIR must hold a build of ARTICLES by BIN (else
# the server's start is a build). Linux only (/proc).
set -u
rounds=$1 bin=$2 build=$3 port=${4:-18791}
articles=${ARTICLES:-/tmp/m1/articles}; out=${OUT:-/tmp/plus-one-live}; new=${NEW:-$out/new}
# shellcheck source=scripts/plus-one-lib.sh
. "$(dirname "$0")/plus-one-lib.sh"
tick=$(getconf CLK_TCK)
now() { date +%s.%N; }
# CPU seconds (user + system) and minor faults of the server so far.
usage() { awk -v t="$tick" '{ printf "%.2f %d", ($14 + $15) / t, $10 }' /proc/"$pid"/stat; }
log=$out/serve.log
: > "$log"
ARSHIF_LOG_LEVEL=info "$bin" serve --watch --articles "$articles" --build-dir "$build" \
  --addr "127.0.0.1:$port" > /dev/null 2> "$log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null' EXIT
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { echo "serve exited: $log" >&2; exit 1; }
  sleep 0.05
done
echo "serving $build (log: $log)"
for i in $(seq 1 "$rounds"); do
  next_dump
  quiet
  before=$(load)
  seen=$(grep -c "rebuilt (" "$log")
  read -r cpu0 faults0 <<< "$(usage)"
  start=$(now)
  add_dump
  until [ "$(grep -c "rebuilt (" "$log")" -gt "$seen" ]; do
    kill -0 "$pid" 2>/dev/null || { echo "serve exited: $log" >&2; exit 1; }
    grep -q "rebuild failed" "$log" && { echo "rebuild failed: $log" >&2; exit 1; }
    sleep 0.01
  done
  end=$(now)
  read -r cpu1 faults1 <<< "$(usage)"
  took=$(grep "rebuilt (" "$log" | tail -1 | sed -E 's/.* in ([0-9.]+[a-zµ]*) from its start.*/\1/')
  awk -v i="$i" -v took="$took" -v wall="$(echo "$end - $start" | bc)" \
    -v cpu="$(echo "$cpu1 - $cpu0" | bc)" -v faults="$((faults1 - faults0))" \
    -v before="$before" -v after="$(load)" 'BEGIN {
      printf "round %d: rebuilt in %s from its start to the swap; %.3f s from the copy; ", i, took, wall
      printf "%.2f CPU-s, %d faults  load %s -> %s\n", cpu, faults, before, after
    }'
done
