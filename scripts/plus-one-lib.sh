# shellcheck shell=bash
# What scripts/plus-one.sh and scripts/plus-one-live.sh share, sourced after they set
# `articles`, `out` and `new`: the one-minute load and the wait for a quiet machine, and the new
# dumps they copy in, one *distinct* dump a round, named `plus-NAME` in ARTICLES (a copy of the
# same dump again is a duplicate from the second round on, served once, and takes the index
# step's slower path).

load() { cut -d' ' -f1 /proc/loadavg; }
quiet() { until awk -v l="$(load)" 'BEGIN { exit !(l <= 0.9) }'; do sleep 3; done; }

mkdir -p "$out"
[ -d "$new" ] || python3 "$(dirname "${BASH_SOURCE[0]}")/../../shared/bench/gen_corpus.py" 60 "$new" \
  --seed 5353 > /dev/null
mapfile -t dumps < <(ls "$new"/*.txt)
next=$(cat "$out/next" 2>/dev/null || echo 0)

# `next_dump`: sets `src` to the next dump of NEW (copied in by `add_dump`, apart so that a
# round can start its clock between the two), its place kept in OUT/next for the next run. A dump an earlier run (another OUT, or the other script)
# copied in already would be written again, not added: parsed again under its id, another path
# than a `+1`'s. Skipped. Exits when NEW has none left.
next_dump() {
  while [ "$next" -lt "${#dumps[@]}" ] && [ -e "$articles/plus-$(basename "${dumps[$next]}")" ]; do
    next=$((next + 1))
  done
  [ "$next" -lt "${#dumps[@]}" ] || { echo "no new dump left in $new" >&2; exit 1; }
  src=${dumps[$next]}; next=$((next + 1)); echo "$next" > "$out/next"
}

# `add_dump`: copies `src` (from `next_dump`) into ARTICLES.
add_dump() { cp "$src" "$articles/plus-$(basename "$src")"; }
