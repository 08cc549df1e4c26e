#!/bin/sh
# Whether a change to the build kept its output: builds ARTICLES with BIN (`--timings`, under
# `/usr/bin/time -v`), exports every article as JSON Lines, serves the build and asks
# `/search.json` seven queries, pages 1 and 3. Everything lands in DIR/TAG.*; run it for the
# binary before and after, then:
#   cmp DIR/before.jsonl DIR/after.jsonl
#   python3 scripts/same-search.py DIR/before.search DIR/after.search
# Hits with equal scores come in the index page's order (src/search/ties.rs, session 28), so
# two builds of the same binary answer alike; before that, tantivy ordered ties by document
# address, which depended on which indexing thread took which article (notes/tests.md).
#
#   scripts/same-output.sh BIN TAG PORT [ARTICLES] [DIR]
set -eu
bin=$1; tag=$2; port=$3; articles=${4:-/tmp/c10k}; dir=${5:-/tmp/same-output}
mkdir -p "$dir"
out=$dir/$tag.build
rm -rf "$out"
/usr/bin/time -v "$bin" build --articles "$articles" --build-dir "$out" --timings \
  > "$dir/$tag.timings" 2>&1
"$bin" export --articles "$articles" --build-dir "$out" --jsonl "$dir/$tag.jsonl" > /dev/null 2>&1
"$bin" serve --articles "$articles" --build-dir "$out" --addr "127.0.0.1:$port" \
  > "$dir/$tag.serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 1; done
: > "$dir/$tag.search"
for q in 'سوريا' '"وزير الخارجية"' 'الأمم المتحدة' 'وزير الخارجية' 'كيري' '"مجلس الأمن الدولي"' 'zzqqxx'; do
  for page in 1 3; do
    echo "== $q page $page" >> "$dir/$tag.search"
    curl -s -G --data-urlencode "q=$q" --data-urlencode "page=$page" \
      "http://127.0.0.1:$port/search.json" >> "$dir/$tag.search"
    echo >> "$dir/$tag.search"
  done
done
du -sb "$out"/parts-*.bin "$out"/search > "$dir/$tag.sizes"
echo "$dir/$tag.{timings,jsonl,search,sizes}"
