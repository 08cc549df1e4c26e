#!/usr/bin/env bash
# Two builds of arshif against each other in one run: is a change (a restructuring, a parser
# rule) no slower than the revision before it? Rounds are interleaved (base, new, base, new,
# ...) so a drift of the machine hits both alike; the table gives the median of ROUNDS rounds
# and the ratio new/base (for times, below 1 is faster; for req/s, above 1 is faster).
#
#   scripts/bench-revisions.sh BASE_BIN NEW_BIN
#   SIZE=10000 ROUNDS=3 DURATION=5s scripts/bench-revisions.sh /tmp/base/arshif target/release/arshif
#
# A base binary comes from a worktree of the old commit:
#   git worktree add /tmp/base d3f8df1 && (cd /tmp/base && cargo build --release)
#
# Rows: `build` of SIZE generated dumps (wall seconds, CPU seconds, peak MB), `parse` of the
# same dumps to JSON Lines (CPU seconds), and `serve` of an article and of index page 1 (wrk,
# req/s). The load average is printed before and after each round; the machine must be quiet
# (a figure taken above 1.5 is not worth reporting). Installs nothing: needs wrk, curl,
# python3 and GNU time.
set -euo pipefail
# A round waits (`settle`, bench-lib.sh) for the one-minute load average to fall under QUIET,
# for at most QUIET_WAIT seconds, so that it does not start on the tail of the one before it.
SETTLE=${QUIET:-1.5}
SETTLE_MAX=${QUIET_WAIT:-90}
source "$(dirname "$0")/bench-lib.sh"
base=$(realpath "$1")
new=$(realpath "$2")
cd "$(dirname "$0")/.."
SIZE=${SIZE:-10000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
WORK=${WORK:-/tmp/arshif-revisions}
GEN=${GEN:-$PWD/../shared/bench/gen_corpus.py}
articles=$WORK/articles-$SIZE
mkdir -p "$WORK"
[ -d "$articles" ] || python3 "$GEN" "$SIZE" "$articles" --seed 7 >/dev/null

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# `timed CMD...`: "wall cpu peak-MB" of CMD under GNU time (refused dumps make `build` exit
# non-zero with the archive written; the caller checks the archive).
timed() {
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || true
  # GNU time puts "Command exited with non-zero status N" above its line: read the last.
  tail -n 1 "$WORK/time" | awk '{ printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }'
}
rps() {
  wrk -t2 -c64 -d"$DURATION" "$1" | awk '/Requests\/sec/ { printf "%.0f\n", $2 }'
}

results=$WORK/rounds.tsv
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
  for which in base new; do
    bin=${!which}
    settle
    say "round $round, $which: load before $(loadavg)"
    out=$WORK/build-$which
    rm -rf "$out"
    # `--out` is the old name of `--build-dir`; both revisions take it.
    read -r wall cpu mb < <(timed "$bin" build --articles "$articles" --out "$out")
    [ -f "$out/archive.bin" ] || { cat "$WORK/err" >&2; exit 1; }
    printf '%s\tbuild wall s\t%s\n%s\tbuild CPU s\t%s\n%s\tbuild peak MB\t%s\n' \
      "$which" "$wall" "$which" "$cpu" "$which" "$mb" >>"$results"
    read -r _ cpu _ < <(timed sh -c "\"$bin\" parse \"$articles\"/*.txt")
    printf '%s\tparse CPU s\t%s\n' "$which" "$cpu" >>"$results"

    port=$(free_port)
    "$bin" serve --addr "127.0.0.1:$port" --articles "$articles" --build-dir "$out" \
      --log-level warn >/dev/null 2>&1 &
    pids+=($!)
    url=http://127.0.0.1:$port
    for _ in $(seq 1 300); do curl -fso /dev/null "$url/" && break; sleep 0.2; done
    article=$(curl -fs "$url/" | grep -o 'href="[^"]*articles/[^"]*"' | head -1 | sed 's#.*articles/##; s#"##')
    printf '%s\tserve article req/s\t%s\n' "$which" "$(rps "$url/articles/$article")" >>"$results"
    printf '%s\tserve index req/s\t%s\n' "$which" "$(rps "$url/")" >>"$results"
    kill "${pids[-1]}" 2>/dev/null || true
    wait "${pids[-1]}" 2>/dev/null || true
    say "round $round, $which: load after $(loadavg)"
  done
done

revision_table "$results"
