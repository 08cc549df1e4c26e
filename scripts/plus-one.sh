#!/usr/bin/env bash
# The million's `+1` (issue 13), measured as BENCHMARKS.md's session 53 takes it: each round
# copies one *distinct* new dump into ARTICLES (a copy of the same dump again is a duplicate
# from the second round on, served once, and takes the index step's slower path), then each
# side builds it into its own build folder (so every build is a `+1`), the sides' order
# alternating by round. Each build waits for a one-minute load ≤ 0.90 and prints it.
# Each round prints its major faults and the blocks it read: a page cache reclaimed between
# rounds (on the session 67 machine, a host policy paging out file pages idle for a minute)
# is read again from disk, and that round's figure says so (notes/build-bench.md, session 67).
#
#   scripts/plus-one.sh ROUNDS "BIN DIR" ["BIN DIR" ...]
#
# ARTICLES (default /tmp/m1/articles: `gen_corpus.py 1000000 /tmp/m1/articles --seed 11`) and
# NEW (default OUT/new: made with `gen_corpus.py 60 NEW --seed 5353` when missing)
# can be set. Each DIR must hold a build of ARTICLES by its BIN, made from nothing at the same
# time as the others': a folder's history (an export, many `+1`s) moves the figure by ≈ 0.1 s.
# Each build's report and `--timings` land in OUT (default /tmp/plus-one).
#
# FLOOR=BIN (`cargo bench --bench listing_floor --no-run` prints it) also runs the `+1`'s floor
# first in each round, after the same wait: every name of ARTICLES read and stat'ed once on
# every core, the least any build not told what changed must do. A side's figure less the
# floor's of its round is the build's own work (notes/build-bench.md, session 54).
set -u
rounds=$1; shift; sides=("$@")
articles=${ARTICLES:-/tmp/m1/articles}; out=${OUT:-/tmp/plus-one}; new=${NEW:-$out/new}
# shellcheck source=scripts/plus-one-lib.sh
. "$(dirname "$0")/plus-one-lib.sh"
for i in $(seq 1 "$rounds"); do
  next_dump
  add_dump
  order=("${sides[@]}")
  if [ $((i % 2)) = 0 ]; then
    order=(); for ((j = ${#sides[@]} - 1; j >= 0; j--)); do order+=("${sides[$j]}"); done
  fi
  if [ -n "${FLOOR:-}" ]; then
    quiet
    before=$(load)
    echo "floor round $i: $(ARSHIF_FLOOR_FOLDER="$articles" "$FLOOR")  load $before -> $(load)"
  fi
  for side in "${order[@]}"; do
    read -r bin dir <<< "$side"
    quiet
    before=$(load)
    report="$out/$(basename "$bin")-$i.err"
    /usr/bin/time -f "%e s, %U u, %S s, %M KB, %R faults, %F major, %I blocks in" \
      "$bin" build --timings --articles "$articles" --build-dir "$dir" > /dev/null 2> "$report"
    echo "$(basename "$bin") round $i: $(tail -1 "$report")  load $before -> $(load)"
  done
done
