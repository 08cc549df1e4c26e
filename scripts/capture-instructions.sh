#!/usr/bin/env bash
# Instructions per page of `arshif parse` on each real page's HTML and on its text dump
# (issue 14's budget: an HTML page at most twice the CPU of its dump), load-independent:
# cachegrind on one copy and on eleven copies of the file, the difference divided by ten, so
# start-up and the lexicon's one-time load cancel out.
#
# usage: scripts/capture-instructions.sh [ARSHIF]   (default target/release/arshif; needs valgrind)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/arshif}")
command -v valgrind >/dev/null || { echo "capture-instructions.sh: valgrind is missing" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
refs() {
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$bin" parse "$@" 2>&1 >/dev/null |
    awk '/I *refs:/ {gsub(",", "", $NF); print $NF}'
}
copies() { # FILE N DIR: N copies of FILE in DIR
  mkdir -p "$3"
  for i in $(seq 1 "$2"); do cp "$1" "$3/$i.${1##*.}"; done
}
printf '%-28s %14s %14s %6s\n' page text html ratio
for html in tests/fixtures/real-pages/html/*.html; do
  name=$(basename "$html" .html)
  text=tests/fixtures/real-pages/$name.txt
  for k in 1 11; do
    copies "$html" "$k" "$work/$name/html$k"
    copies "$text" "$k" "$work/$name/txt$k"
  done
  t=$(( ($(refs "$work/$name"/txt11/*) - $(refs "$work/$name"/txt1/*)) / 10 ))
  h=$(( ($(refs "$work/$name"/html11/*) - $(refs "$work/$name"/html1/*)) / 10 ))
  printf '%-28s %14d %14d %6.2f\n' "$name" "$t" "$h" "$(awk -v h="$h" -v t="$t" 'BEGIN { print h / t }')"
done
