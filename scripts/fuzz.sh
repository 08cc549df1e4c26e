#!/usr/bin/env bash
# Fuzzes the parser (`parse_dump`), the date reader (`dates`), and the readers of saved
# pages (`html`) and crawls (`warc`) with libFuzzer, each for a
# bounded time, then folds what was found into the committed corpus.
#
#     scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
#
# Needs only the stable toolchain: without a sanitizer, cargo-fuzz's coverage flags are
# stable ones; FUZZ_SANITIZER=address turns on ASan, whose `-Z` flag RUSTC_BOOTSTRAP=1 allows
# on stable (slower; the default is none, as the crate has no unsafe code of its own).
# Installs cargo-fuzz from crates.io when missing. The first build takes long (every
# dependency is instrumented); later runs reuse fuzz/target. Exits non-zero on any crash, timeout or out-of-memory; the input that
# caused it is kept in fuzz/artifacts/<target>/ to be turned into a regression test.
#
# Corpora: fuzz/corpus-work/<target> is the scratch corpus of a run (ignored by git; it grows
# to megabytes), started from fuzz/corpus/<target>. That one is committed and kept small: after
# each run it is remade as libFuzzer's set-cover merge of both, on edge coverage alone (the
# fewest inputs, smallest first, that reach every edge reached), so it does not grow with
# every input that added a mere hit count.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
sanitizer=${FUZZ_SANITIZER:-none}
# Only for a sanitizer: a changed RUSTC_BOOTSTRAP would rebuild every instrumented crate.
[ "$sanitizer" = none ] || export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz

targets=(${FUZZ_TARGETS:-parse_dump dates html warc})
cargo fuzz build -s "$sanitizer"

seed() {
  local target=$1 dir=$2
  mkdir -p "$dir"
  case $target in
    parse_dump)
      cp articles/*.txt tests/fixtures/real-pages/*.txt "$dir"/ ;;
    dates)
      # One line per file: the lines of the seeds that hold a digit (dates, times, stamps).
      local n=0
      while IFS= read -r line; do
        printf '%s' "$line" >"$dir/seed-$n"
        n=$((n + 1))
      done < <(cat articles/*.txt tests/fixtures/real-pages/*.txt | LC_ALL=C.UTF-8 grep '[0-9٠-٩]' | head -n 400)
      ;;
    html)
      cp tests/fixtures/real-pages/html/*.html "$dir"/ ;;
    warc)
      # A small crawl as wget writes it (request, response, revisit), plain and gzipped
      # record by record.
      local page='<html><head><meta charset="utf-8"><title>خبر</title></head><body><h1>عنوان الخبر</h1><p>نص الخبر الأول وهو طويل بما يكفي ليكون فقرة من فقرات المقال.</p></body></html>'
      local http body
      http=$(printf 'HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s' "$page")
      rec() { printf 'WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: <http://127.0.0.1/a.html>\r\nWARC-Date: 2024-05-01T10:00:00Z\r\nContent-Length: %s\r\n\r\n%s\r\n\r\n' "$1" "$(printf '%s' "$2" | wc -c)" "$2"; }
      body='GET /a.html HTTP/1.1'
      { rec request "$body"; rec response "$http"; rec revisit 'HTTP/1.1 200 OK'; } >"$dir/plain.warc"
      { rec request "$body" | gzip -c; rec response "$http" | gzip -c; rec revisit 'HTTP/1.1 200 OK' | gzip -c; } >"$dir/members.warc.gz"
      ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  kept=fuzz/corpus/$target
  work=fuzz/corpus-work/$target
  mkdir -p "$kept" "$work" "fuzz/artifacts/$target"
  [ -n "$(ls -A "$kept")" ] || seed "$target" "$kept"
  echo "== $target: ${seconds}s"
  log=fuzz/artifacts/$target/last-run.log
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: bounded memory.
  if ! cargo fuzz run -s "$sanitizer" "$target" "$work" "$kept" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 >"$log" 2>&1; then
    status=1
    echo "!! $target failed; see $log and fuzz/artifacts/$target/"
    tail -n 30 "$log"
  fi
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb|new_units_added)' "$log" || true
  grep -E '^(#[0-9]+ +DONE|Done [0-9]+ runs)' "$log" | tail -n 1 || true
  fresh=$(mktemp -d)
  if cargo fuzz run -s "$sanitizer" "$target" "$fresh" "$kept" "$work" -- \
      -set_cover_merge=1 -use_counters=0 >"fuzz/artifacts/$target/merge.log" 2>&1 \
      && [ -n "$(ls -A "$fresh")" ]; then
    rm -rf "$kept" && mkdir -p "$kept" && mv "$fresh"/* "$kept"/
  fi
  rm -rf "$fresh"
  echo "   corpus kept: $(ls "$kept" | wc -l) files, $(du -sh "$kept" | cut -f1)"
done
exit $status
