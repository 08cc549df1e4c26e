#!/bin/sh
# Whether a change to the incremental build kept its output: builds ARTICLES (a copy: two
# dumps of /tmp/m1 are added to it and removed again) from nothing with BIN, then a +1 of
# /tmp/m1's 400th dump as plus-x.txt, then of its 500th as plus-y.txt, exporting each state
# with `arshif export --jsonl` and printing the three sha256 prefixes. Run it for the binary
# before and after: the three lines must match (notes/build-bench.md, session 26, the `+1`).
#
#   scripts/same-output-incremental.sh BIN TAG [ARTICLES] [DIR]
set -eu
bin=$1; tag=$2; art=${3:-/tmp/c10k}; out=${4:-/tmp/same-output}/$tag-incremental
rm -rf "$out" "$art"/plus-x.txt "$art"/plus-y.txt
mkdir -p "$out"
exp() {
  "$bin" export --articles "$art" --build-dir "$out/b" --jsonl "$out/$1.jsonl" > /dev/null 2>&1
  sha256sum "$out/$1.jsonl" | cut -c1-16
}
"$bin" build --articles "$art" --build-dir "$out/b" > "$out/full.log" 2>&1; exp full
cp /tmp/m1/"$(ls -f /tmp/m1 | sed -n 400p)" "$art"/plus-x.txt
"$bin" build --articles "$art" --build-dir "$out/b" > "$out/x.log" 2>&1; exp x
cp /tmp/m1/"$(ls -f /tmp/m1 | sed -n 500p)" "$art"/plus-y.txt
"$bin" build --articles "$art" --build-dir "$out/b" > "$out/y.log" 2>&1; exp y
rm -f "$art"/plus-x.txt "$art"/plus-y.txt
