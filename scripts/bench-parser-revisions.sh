#!/usr/bin/env bash
# The parser of two revisions against each other in one run: criterion's `parse_dump` bench
# (benches/parser.rs) built from each revision, then run alternately (base, new, base, new,
# ...) so a drift of the machine hits both alike. Prints each round's time per corpus and, per
# corpus, the median of the rounds (ms per pass over the corpus) and the ratio new/base
# (below 1: the new parser is faster).
#
#   scripts/bench-parser-revisions.sh BASE_REV NEW_REV            # e.g. d3f8df1 main
#   ROUNDS=5 CORPUS=generated scripts/bench-parser-revisions.sh d3f8df1 main
#   KEEP=1 scripts/bench-parser-revisions.sh d3f8df1 main   # keep the worktrees for next time
#
# Each revision is built in a temporary worktree (`cargo bench --bench parser --no-run`,
# its own target folder under $WORK: a full release build, ten minutes or more each on two
# quiet cores); the worktrees are removed at the end, the builds kept for a rerun. Both
# benches time the same corpus: the `generated` one is ARSHIF_BENCH_DUMPS dumps (default 300)
# of ../shared/bench/gen_corpus.py, same bytes for both; `seeds` and `real_pages` are read
# from each revision's own tree and may differ between revisions. CORPUS (default `generated`) is the criterion filter.
# The machine must be quiet: the load average is printed before and after each run, and a
# figure taken above 1.5 is not worth reporting.
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
base_rev=$1
new_rev=$2
cd "$(dirname "$0")/.."
repo=$PWD
ROUNDS=${ROUNDS:-3}
CORPUS=${CORPUS:-generated}
WORK=${WORK:-/tmp/arshif-parser-revisions}
export ARSHIF_GEN_CORPUS=${ARSHIF_GEN_CORPUS:-$repo/../shared/bench/gen_corpus.py}
export ARSHIF_BENCH_DUMPS=${ARSHIF_BENCH_DUMPS:-300}
mkdir -p "$WORK"

# KEEP=1 keeps the worktrees (and their builds, which stay in $WORK/target-*) for the next
# run: a revision already checked out is not checked out again, so its bench is not rebuilt.
KEEP=${KEEP:-0}
trees=()
cleanup() {
  [ "$KEEP" = 1 ] && return
  for t in "${trees[@]}"; do git -C "$repo" worktree remove --force "$t" 2>/dev/null || true; done
  git -C "$repo" worktree prune
}
trap cleanup EXIT

# `add_tree REV NAME`: a worktree of REV at $WORK/tree-NAME (in this shell, so that the
# cleanup knows it).
add_tree() {
  local tree=$WORK/tree-$2
  trees+=("$tree")
  if [ -d "$tree" ] && git -C "$tree" checkout --quiet --detach "$1" 2>/dev/null; then
    return
  fi
  git -C "$repo" worktree remove --force "$tree" 2>/dev/null || true
  git -C "$repo" worktree add --detach "$tree" "$1" >/dev/null
}

# `bench_binary NAME`: builds the parser bench in $WORK/tree-NAME, prints the binary's path.
bench_binary() {
  local tree=$WORK/tree-$1
  say "building the parser bench of $(git -C "$tree" rev-parse --short HEAD) ($1)"
  (cd "$tree" && CARGO_TARGET_DIR=$WORK/target-$1 cargo bench --bench parser --no-run \
    --message-format=json) |
    python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "parser" and m.get("executable"):
        print(m["executable"])'
}

add_tree "$base_rev" base
add_tree "$new_rev" new
base=$(bench_binary base)
new=$(bench_binary new)
[ -x "$base" ] && [ -x "$new" ] || { say "a bench failed to build"; exit 1; }

results=$WORK/rounds.tsv
: >"$results"
for round in $(seq 1 "$ROUNDS"); do
  for which in base new; do
    bin=${!which}
    say "round $round, $which: load before $(loadavg)"
    # Criterion reads its corpora from the revision's tree: run from there.
    (cd "$WORK/tree-$which" && "$bin" --bench "parse_dump/$CORPUS" 2>/dev/null) |
      python3 -c '
import re, sys
which = sys.argv[1]
unit = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
name = None
for line in sys.stdin:
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    m = re.match(r"^(parse_dump/\S+)", line)
    if m:
        name = m.group(1)
    t = re.search(r"time:\s+\[\s*\S+\s+\S+\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s*\]", line)
    if t and name:
        print(f"{which}\t{name}\t{float(t.group(1)) * unit[t.group(2)] * 1e3:.4f}")
' "$which" | tee -a "$results" >&2
    say "round $round, $which: load after $(loadavg)"
  done
done

revision_table "$results"
