#!/usr/bin/env bash
# arshif against its peers, every ratio taken within one run (issues #6 and #13):
#
#   * build: Hugo on the same articles as Markdown (a minimal site, benches/hugo/) against
#     `arshif build`, and against `arshif build` + `arshif export` (the static files): wall
#     seconds, CPU seconds (user + system) and peak memory from GNU time;
#   * the build's floor (benches/build_floor.rs, FLOOR=0 leaves it out): the CPU seconds of the
#     parser alone, the search index alone and the parts store's frames alone on the same
#     dumps, as the wall of two cores busy with nothing else, against Hugo; and the build's
#     CPU against that floor's (issue 13: how far the build stands from what its libraries
#     cost). Run in each round of a size Hugo builds, after arshif's build;
#   * the export's floor (benches/export_floor.rs, with the build's): the CPU seconds of the
#     export's encoders alone on the pages it precompresses, at its levels and at the
#     cheapest, as the wall of two busy cores, against Hugo (which writes no .gz/.br): the
#     highest "build + export" could reach were the build and the pages free; and the bare
#     export plus that, the row's floor. Run in each round with an export, after it;
#   * build with search: Hugo + Pagefind (`pagefind_extended --site public`, the usual way to
#     give a Hugo site search; npm package @pagefind/linux-x64) against `arshif build`, which
#     writes its search index as part of the build; and the two search indexes' sizes;
#   * export again with nothing changed (arshif alone: unchanged pages keep their .gz/.br);
#   * serving: `arshif serve` against nginx serving `arshif export`'s files (the same bytes,
#     deploy/nginx-export.conf) with wrk, THREADS threads CONNS connections DURATION each, on
#     an article page, index page 1 and index page 200 (the last at 10,000), identity and
#     `Accept-Encoding: gzip` (nginx both ways: gzip_static on the export's .gz files, and
#     `gzip on` compressing on the fly): requests/s and p99 from `wrk --latency`;
#   * saved pages (issue 14): `arshif build` of the same articles as HTML pages (each dump as
#     the simplest page that renders back to it), against Hugo and against the build of the
#     dumps (up to PEERS_UP_TO articles);
#   * search: scripts/bench-search.sh on the same build (8 connections, a word in most
#     articles and a phrase). Pagefind answers in the reader's browser, so no server figure of
#     it compares with these; its index build time and size are the rows above.
#
# Each figure is the median of ROUNDS rounds (default 3) in which the peer and arshif take
# turns (peer, arshif, peer, arshif, ...), so that a change in the machine's load falls on
# both; each ratio is arshif's median against the peer's (above 1: arshif is faster). The
# 1-minute load average is read before and after every single measurement, each of which first
# waits for the load to settle under SETTLE (default 1.0; scripts/bench-lib.sh); each row shows
# the highest before and after, and a row whose load before passed 1.5 says it is not to be
# reported (issue 13: the figures are the lead's, taken on a quiet machine).
#
# Prints one markdown table (also written to $WORK/results.md). Usage:
#
#   scripts/bench.sh                      # 1,000, 10,000 and 100,000 articles
#   SIZES="1000 10000" DURATION=5s ROUNDS=5 scripts/bench.sh
#   PEERS_UP_TO=100000 scripts/bench.sh   # Pagefind, export and nginx at 100,000 too (~10 GB free)
#   HUGO_UP_TO=10000 scripts/bench.sh     # no Hugo at 100,000 (it needs 10 GB or more)
#   SERVING=0 SIZES=10000 scripts/bench.sh  # build, export and index rows only
#
# Installs hugo, wrk, nginx (+ its brotli_static module) and GNU time with apt and Pagefind
# with npm (into $WORK/pagefind) when missing. The corpora come from
# ../shared/bench/gen_corpus.py with SEED (default 7; GEN=... to point elsewhere) and are kept
# in $WORK (default /tmp/arshif-bench) between runs. Servers listen on 127.0.0.1 only and are
# stopped by PID when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

SIZES=${SIZES:-"1000 10000 100000"}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-7}
WORK=${WORK:-/tmp/arshif-bench}
GEN=${GEN:-$root/../shared/bench/gen_corpus.py}
PAGEFIND_VERSION=${PAGEFIND_VERSION:-1.6.0}
# BUILD_BENCH=1 also runs scripts/bench-build.sh (+1 rebuild, start-up, memory) for each size,
# on a corpus of its own.
BUILD_BENCH=${BUILD_BENCH:-0}
# Above this many articles, Pagefind, the export and nginx are left out (arshif's build, its
# pages against each other and search are measured alone): Pagefind's index and the export of
# 100,000 articles take some 8 GB, more than a shared machine spares.
PEERS_UP_TO=${PEERS_UP_TO:-10000}
# Hugo builds up to this many (the issue's first row is Hugo at 100,000: ~50 s, ~10 GB peak on
# the issue's machine). Its memory grows faster than its articles: 1.4-1.5 GB at 10,000, and
# at 100,000 past 17.5 GB after 8 minutes without finishing on a 23 GB VM (BENCHMARKS.md,
# sessions 35 and 36), where it would thrash or be killed. So by default Hugo builds only the
# sizes for which 250 KB an article is available now; set HUGO_UP_TO to decide yourself.
HUGO_KB_AN_ARTICLE=250
if [ -z "${HUGO_UP_TO:-}" ]; then
  avail_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
  HUGO_UP_TO=$((avail_kb / HUGO_KB_AN_ARTICLE))
  [ "$HUGO_UP_TO" -le 100000 ] || HUGO_UP_TO=100000
fi
# SERVING=0 leaves out the serving and search rows (the build, export and search-index rows
# only: a change that touches neither the server nor search does not need them retaken).
SERVING=${SERVING:-1}
# FLOOR=0 leaves out the build's and the export's floors (and the compiles of their benches).
FLOOR=${FLOOR:-1}
# Connections of the search rows (the issue's: 8).
SEARCH_CONNS=${SEARCH_CONNS:-8}
# Up to this many articles, each round's outputs (Hugo's site, arshif's build and exports) are
# set aside rather than removed, and removed together at the end: on ext4 without a journal
# (the benchmark machine's disk) the kernel skips, for every new inode, each free inode freed
# in the last 60 s or more (fs/ext4/ialloc.c, `recently_deleted`), so a round run right after
# the removal of the last round's ~125,000 files spent up to 37 s of system time on it, for
# arshif and Hugo alike but in proportion to the files each writes (notes/serve-bench.md,
# session 23). Some 2 GB a round at 10,000; above this size outputs are removed as they go.
ASIDE_UP_TO=${ASIDE_UP_TO:-10000}
export PATH="$PATH:/usr/sbin"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

need=()
command -v hugo >/dev/null || need+=(hugo)
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
command -v npm >/dev/null || need+=(npm)
[ -x /usr/bin/time ] || need+=(time)
brotli_module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
[ -f "$brotli_module" ] || need+=(libnginx-mod-http-brotli-static)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
pagefind=$WORK/pagefind/node_modules/@pagefind/linux-x64/bin/pagefind_extended
if [ ! -x "$pagefind" ]; then
  say "installing Pagefind $PAGEFIND_VERSION with npm"
  mkdir -p "$WORK/pagefind"
  npm install --no-save --no-audit --no-fund --prefix "$WORK/pagefind" \
    "@pagefind/linux-x64@$PAGEFIND_VERSION" >/dev/null
fi

say "cargo build --release"
cargo build --release --quiet
mkdir -p "$WORK"
# The binary measured is this build's, copied: each `cargo bench --no-run` below links
# target/release/arshif to a build of its own, whose dependencies carry the features the
# dev-dependencies turn on (a different binary, 64 KB larger; session 65 found the runs since
# session 58 had measured it, at the same build times in 6 interleaved rounds).
bin=$WORK/arshif
cp "$root/target/release/arshif" "$bin"
# `bench_bin NAME`: the path of bench NAME, built. By its target's name: cargo lists the
# binary's too, in no set order (a run that took the binary for the bench served the shipped
# articles instead).
bench_bin() {
  local path
  say "cargo bench --bench $1 --no-run"
  path=$(cargo bench --bench "$1" --no-run --quiet --message-format=json \
    | python3 -c 'import json, sys; print(*[m["executable"] for m in map(json.loads, sys.stdin) if m.get("executable") and m["target"]["name"] == sys.argv[1]])' "$1")
  [ -x "$path" ] || { echo "bench: no $1 bench built ($path)" >&2; exit 1; }
  echo "$path"
}
if [ "$FLOOR" = 1 ]; then
  floor_bin=$(bench_bin build_floor)
  export_floor_bin=$(bench_bin export_floor)
fi

# `floor_line VAR DIR BIN K`: BIN run with VAR=DIR, readied as a timed run is (`ready_run`, DIR
# read first), its last line `floor: ...` in timed_run's form, "S/2 S 0 load-before load-after
# REST": S the line's K-th figure (CPU-s of work on two cores, S/2 the wall of both busy with it
# and nothing else), REST its other figures in order.
floor_line() {
  local before out
  WARM=$2 ready_run
  before=$(loadavg)
  out=$(env "$1=$2" "$3" | awk '/^floor:/ { $1 = ""; print }') || return 1
  [ -n "$out" ] || { echo "bench: no floor line from $3" >&2; return 1; }
  awk -v k="$4" -v lb="$before" -v la="$(loadavg)" '
    { printf "%.2f %.2f 0 %s %s", $k / 2, $k, lb, la
      for (i = 1; i <= NF; i++) if (i != k) printf " %s", $i
      print "" }' <<<"$out"
}

# `floor_run DIR`: the build's floor on DIR's dumps (benches/build_floor.rs: "PARSE INDEX FRAMES
# SUM" CPU-s), as "S/2 S 0 load-before load-after PARSE INDEX FRAMES".
floor_run() { floor_line ARSHIF_FLOOR_DUMPS "$1" "$floor_bin" 4; }

# `siblings_run DIR`: the export's encoders alone on the pages of the export in DIR that have
# siblings (benches/export_floor.rs: "PAGES MB S CHEAPEST GZIP BROTLI"), as "S/2 S 0
# load-before load-after PAGES MB CHEAPEST GZIP BROTLI": S the CPU-s at the export's levels
# (gzip GZIP, brotli BROTLI), CHEAPEST at gzip 1 and brotli 0.
siblings_run() { floor_line ARSHIF_EXPORT "$1" "$export_floor_bin" 3; }

# `floor_figure LABEL`: "W s on two cores (parse P + index I + frames F = S CPU-s)", medians.
floor_figure() {
  echo "$(med "$1" 1) s on two cores (parse $(med "$1" 6) + index $(med "$1" 7) + frames $(med "$1" 8) = $(med "$1" 2) CPU-s)"
}

# Every process started here, stopped by PID on the way out.
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "${aside:-$WORK/aside}"
}
trap cleanup EXIT

table=$WORK/results.md
{
  echo "| articles | what | peer | peer figure | arshif | arshif figure | ratio | load before / after (highest) |"
  echo "|---:|---|---|---:|---|---:|---:|---:|"
} >"$table"
row() { echo "| $* |" >>"$table"; }

# `discard N PATH...`: the outputs of a round of the size N, set aside (see ASIDE_UP_TO) or
# removed.
aside=$WORK/aside
rm -rf "$aside"
discard() {
  local n=$1; shift
  if [ "$n" -le "$ASIDE_UP_TO" ]; then
    mkdir -p "$aside"
    for p in "$@"; do
      if [ -e "$p" ]; then mv "$p" "$(mktemp -u "$aside/XXXXXXXX")"; fi
    done
  else
    rm -rf "$@"
  fi
}

# `page_load URL HEADER PIDS`: one wrk round on a page (see wrk_run).
page_load() { wrk_run "$1" "$THREADS" "$CONNS" "$DURATION" "$2" "$3"; }

# Hugo's input: clean Markdown from the generator's truth (true title, date, paragraphs),
# what a Hugo user would start from.
hugo_site() {
  rm -rf "$1/hugo"
  cp -r benches/hugo "$1/hugo"
  python3 - "$1/truth.jsonl" "$1/hugo/content/articles" <<'EOF'
import json, pathlib, sys
out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True)
for line in open(sys.argv[1], encoding="utf-8"):
    a = json.loads(line)
    name = a["file"].rsplit(".", 1)[0].split("_", 1)[-1]
    front = {"title": a["title"]}
    if a.get("subtitle"):
        front["subtitle"] = a["subtitle"]
    if a.get("date"):
        front["date"] = a["date"]
    body = "\n\n".join(p.replace("\n", " ") for p in a.get("body") or [])
    (out / f"{name}.md").write_text(
        json.dumps(front, ensure_ascii=False) + "\n\n" + body + "\n", encoding="utf-8")
EOF
}

# `floor_rows`: the build's floor against Hugo and the build against its floor (size $n).
floor_rows() {
  [ "$floor" = 1 ] || return 0
  row "$n | build: its floor (parse, index, frames alone; two busy cores) | hugo | $(time_figure "hugo.$n") | the floor | $(floor_figure "floor.$n") | $(ratio "$(med "hugo.$n" 1)" "$(med "floor.$n" 1)") | $(peak_load "hugo.$n" "floor.$n")"
  row "$n | build: its CPU against its floor's | the floor | $(med "floor.$n" 2) CPU-s | arshif build | $(med "build.$n" 2) CPU-s | $(ratio "$(med "floor.$n" 2)" "$(med "build.$n" 2)") | $(peak_load "floor.$n" "build.$n")"
}

# `siblings_rows`: the export's encoders alone against Hugo, and the bare export plus them
# (size $n, after its rounds).
siblings_rows() {
  [ "$floor" = 1 ] || return 0
  local levels pages
  levels="gzip $(med "siblings.$n" 9), brotli $(med "siblings.$n" 10)"
  pages="$(med "siblings.$n" 6) pages, $(med "siblings.$n" 7) MB"
  # The cheapest levels' CPU as a round of its own (column 8), and each round's floor at
  # either levels: the bare export's build and pages plus the encoders on two cores.
  awk '{ printf "%.2f %.2f 0 %s %s\n", $8 / 2, $8, $4, $5 }' "$WORK/rounds/siblings.$n" >"$WORK/rounds/siblings-cheapest.$n"
  local label
  for label in siblings siblings-cheapest; do
    paste -d' ' "$WORK/rounds/static-bare.$n" "$WORK/rounds/$label.$n" | awk '
      { printf "%.2f %.2f %d %s %s\n", $1 + $6, $2 + $7, $3, ($4 > $9 ? $4 : $9), ($5 > $10 ? $5 : $10) }' >"$WORK/rounds/static-floor-$label.$n"
  done
  row "$n | static files: the .gz/.br encoders alone ($levels; $pages; two busy cores) | hugo | $(time_figure "hugo.$n") | the encoders | $(med "siblings.$n" 1) s ($(med "siblings.$n" 2) CPU-s) | $(ratio "$(med "hugo.$n" 1)" "$(med "siblings.$n" 1)") | $(peak_load "hugo.$n" "siblings.$n")"
  row "$n | static files: the encoders alone at the cheapest levels (gzip 1, brotli 0) | hugo | $(time_figure "hugo.$n") | the encoders | $(med "siblings-cheapest.$n" 1) s ($(med "siblings-cheapest.$n" 2) CPU-s) | $(ratio "$(med "hugo.$n" 1)" "$(med "siblings-cheapest.$n" 1)") | $(peak_load "hugo.$n" "siblings.$n")"
  row "$n | static files: build + export --no-precompress + the encoders alone ($levels) | hugo | $(time_figure "hugo.$n") | the sum | $(med "static-floor-siblings.$n" 1) s ($(med "static-floor-siblings.$n" 2) CPU-s) | $(ratio "$(med "hugo.$n" 1)" "$(med "static-floor-siblings.$n" 1)") | $(peak_load "hugo.$n" "static-floor-siblings.$n")"
  row "$n | static files: the same, the encoders at the cheapest levels (gzip 1, brotli 0) | hugo | $(time_figure "hugo.$n") | the sum | $(med "static-floor-siblings-cheapest.$n" 1) s ($(med "static-floor-siblings-cheapest.$n" 2) CPU-s) | $(ratio "$(med "hugo.$n" 1)" "$(med "static-floor-siblings-cheapest.$n" 1)") | $(peak_load "hugo.$n" "static-floor-siblings-cheapest.$n")"
}

for n in $SIZES; do
  dir=$WORK/$n
  ensure_corpus "$dir" "$n" "$SEED"
  peers=1
  [ "$n" -le "$PEERS_UP_TO" ] || peers=0
  hugo=$peers
  if [ "$n" -le "$HUGO_UP_TO" ]; then
    hugo=1
  elif [ "$hugo" = 0 ]; then
    say "$n articles: no Hugo above HUGO_UP_TO=$HUGO_UP_TO (by default, the sizes for which $HUGO_KB_AN_ARTICLE KB an article is available; set HUGO_UP_TO to build it anyway)"
  fi

  # Builds, in interleaved rounds. The last round's build and export stay for serving.
  forget "hugo.$n" "pagefind.$n" "build.$n" "floor.$n" "siblings.$n" "export.$n" "reexport.$n" "export-bare.$n" "build-html.$n"
  floor=0
  [ "$FLOOR" = 1 ] && [ "$hugo" = 1 ] && floor=1
  # The same articles as saved pages (issue 14): each dump as the simplest page that renders
  # back to it (its first line the <title>, every other line a paragraph), so the row measures
  # what reading HTML costs over reading the dump, against the same Hugo run.
  if [ "$peers" = 1 ] && [ ! -f "$dir/articles-html/.done" ]; then
    say "$n articles: the same articles as HTML pages"
    rm -rf "$dir/articles-html"
    python3 - "$dir/articles" "$dir/articles-html" <<'EOF'
import html, pathlib, sys
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
out.mkdir(parents=True)
for f in src.glob("*.txt"):
    lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
    title = html.escape(lines[0] if lines else "")
    body = "".join(f"<p>{html.escape(l)}</p>\n" for l in lines[1:] if l.strip())
    (out / (f.stem + ".html")).write_text(
        f'<!doctype html>\n<html lang="ar"><head><meta charset="utf-8"><title>{title}</title></head><body>\n{body}</body></html>\n',
        encoding="utf-8")
(out / ".done").touch()
EOF
  fi
  if [ "$hugo" = 1 ]; then hugo_site "$dir"; fi
  for r in $(seq 1 "$ROUNDS"); do
    if [ "$hugo" = 1 ]; then
      say "$n articles, round $r: hugo$([ "$peers" = 1 ] && echo ", then pagefind on its output")"
      discard "$n" "$dir/hugo-public"
      WARM="$dir/hugo" record "hugo.$n" timed_run "$WORK/time.hugo" hugo --quiet --source "$dir/hugo" --destination "$dir/hugo-public"
      if [ "$peers" = 1 ]; then
        WARM="$dir/hugo-public" record "pagefind.$n" timed_run "$WORK/time.pagefind" "$pagefind" --site "$dir/hugo-public" --quiet
        pagefind_mb=$(du -sm "$dir/hugo-public/pagefind" | cut -f1)
        pagefind_files=$(find "$dir/hugo-public/pagefind" -type f | wc -l)
      fi
      discard "$n" "$dir/hugo-public"
    fi
    say "$n articles, round $r: arshif build$([ "$peers" = 1 ] && echo ", export, export again")"
    discard "$n" "$dir/build" "$dir/www"
    WARM="$dir/articles" ALLOW_FAIL=1 record "build.$n" timed_run "$WORK/time.build" "$bin" build --articles "$dir/articles" --build-dir "$dir/build"
    [ -f "$dir/build/archive.bin" ] || { cat "$WORK/time.build.err" >&2; exit 1; }
    if [ "$floor" = 1 ]; then record "floor.$n" floor_run "$dir/articles"; fi
    if [ "$peers" = 1 ]; then
      WARM="$dir/build" record "export.$n" timed_run "$WORK/time.export" "$bin" export "$dir/www/archive" \
        --articles "$dir/articles" --build-dir "$dir/build"
      WARM="$dir/build" record "reexport.$n" timed_run "$WORK/time.reexport" "$bin" export "$dir/www/archive" \
        --articles "$dir/articles" --build-dir "$dir/build"
      if [ "$floor" = 1 ]; then record "siblings.$n" siblings_run "$dir/www/archive"; fi
      # What Hugo writes: the pages alone, no compressed copies.
      discard "$n" "$dir/www-bare"
      WARM="$dir/build" record "export-bare.$n" timed_run "$WORK/time.export-bare" "$bin" export "$dir/www-bare/archive" \
        --articles "$dir/articles" --build-dir "$dir/build" --no-precompress
      discard "$n" "$dir/www-bare" "$dir/build-html"
      WARM="$dir/articles-html" ALLOW_FAIL=1 record "build-html.$n" timed_run "$WORK/time.build-html" "$bin" build \
        --articles "$dir/articles-html" --build-dir "$dir/build-html"
      [ -f "$dir/build-html/archive.bin" ] || { cat "$WORK/time.build-html.err" >&2; exit 1; }
      discard "$n" "$dir/build-html"
    fi
  done
  grep -E '^read|error:' "$WORK/time.build.err" | head -5 >&2 || true
  search_mb=$(du -sm "$dir/build/search" 2>/dev/null | cut -f1)
  if [ "$peers" = 1 ]; then
    # build + export, round by round, as one figure.
    paste -d' ' "$WORK/rounds/build.$n" "$WORK/rounds/export.$n" | awk '
      { printf "%.2f %.2f %d %s %s\n", $1 + $6, $2 + $7, ($3 > $8 ? $3 : $8), ($4 > $9 ? $4 : $9), ($5 > $10 ? $5 : $10) }' >"$WORK/rounds/static.$n"
    paste -d' ' "$WORK/rounds/build.$n" "$WORK/rounds/export-bare.$n" | awk '
      { printf "%.2f %.2f %d %s %s\n", $1 + $6, $2 + $7, ($3 > $8 ? $3 : $8), ($4 > $9 ? $4 : $9), ($5 > $10 ? $5 : $10) }' >"$WORK/rounds/static-bare.$n"
    paste -d' ' "$WORK/rounds/hugo.$n" "$WORK/rounds/pagefind.$n" | awk '
      { printf "%.2f %.2f %d %s %s\n", $1 + $6, $2 + $7, ($3 > $8 ? $3 : $8), ($4 > $9 ? $4 : $9), ($5 > $10 ? $5 : $10) }' >"$WORK/rounds/hugo-search.$n"
    row "$n | build the site | hugo | $(time_figure "hugo.$n") | arshif build | $(time_figure "build.$n") | $(ratio "$(med "hugo.$n" 1)" "$(med "build.$n" 1)") | $(peak_load "hugo.$n" "build.$n")"
    floor_rows
    row "$n | static files | hugo | $(time_figure "hugo.$n") | arshif build + export | $(time_figure "static.$n") | $(ratio "$(med "hugo.$n" 1)" "$(med "static.$n" 1)") | $(peak_load "hugo.$n" "static.$n")"
    row "$n | static files, no .gz/.br (as Hugo) | hugo | $(time_figure "hugo.$n") | arshif build + export --no-precompress | $(time_figure "static-bare.$n") | $(ratio "$(med "hugo.$n" 1)" "$(med "static-bare.$n" 1)") | $(peak_load "hugo.$n" "static-bare.$n")"
    siblings_rows
    row "$n | build with search | hugo + pagefind | $(time_figure "hugo-search.$n") | arshif build | $(time_figure "build.$n") | $(ratio "$(med "hugo-search.$n" 1)" "$(med "build.$n" 1)") | $(peak_load "hugo-search.$n" "build.$n")"
    row "$n | search index on disk | pagefind | ${pagefind_mb} MB in ${pagefind_files} files | arshif | ${search_mb} MB | $(ratio "$pagefind_mb" "$search_mb") | "
    row "$n | export again, nothing changed | | | arshif export | $(time_figure "reexport.$n") | | $(peak_load "reexport.$n")"
    row "$n | build the site from HTML pages | hugo | $(time_figure "hugo.$n") | arshif build (.html) | $(time_figure "build-html.$n") | $(ratio "$(med "hugo.$n" 1)" "$(med "build-html.$n" 1)") | $(peak_load "hugo.$n" "build-html.$n")"
    row "$n | HTML pages against dumps | arshif build (.txt) | $(time_figure "build.$n") | arshif build (.html) | $(time_figure "build-html.$n") | $(ratio "$(med "build.$n" 1)" "$(med "build-html.$n" 1)") | $(peak_load "build.$n" "build-html.$n")"
  elif [ "$hugo" = 1 ]; then
    row "$n | build the site | hugo | $(time_figure "hugo.$n") | arshif build | $(time_figure "build.$n") | $(ratio "$(med "hugo.$n" 1)" "$(med "build.$n" 1)") | $(peak_load "hugo.$n" "build.$n")"
    floor_rows
    row "$n | search index on disk | | | arshif | ${search_mb} MB | | "
  else
    row "$n | build the site | | | arshif build | $(time_figure "build.$n") | | $(peak_load "build.$n")"
    row "$n | search index on disk | | | arshif | ${search_mb} MB | | "
  fi
  if [ "$BUILD_BENCH" = 1 ]; then
    say "$n articles: scripts/bench-build.sh"
    ARSHIF=$bin BENCH_DIR=$WORK GEN_CORPUS=$GEN scripts/bench-build.sh "$n" >&2 \
      || say "scripts/bench-build.sh failed"
  fi

  if [ "$SERVING" = 0 ]; then
    discard "$n" "$dir/www" "$dir/hugo"
    continue
  fi

  # The live server, logging warnings only (nginx below logs nothing either).
  port=$(free_port)
  "$bin" serve --addr "127.0.0.1:$port" --articles "$dir/articles" --build-dir "$dir/build" \
    --log-level warn >/dev/null 2>&1 &
  arshif_pid=$!
  pids+=("$arshif_pid")
  live=http://127.0.0.1:$port
  wait_for "$live/healthz"

  pages=$(( (n + 49) / 50 ))
  far=$(( pages < 200 ? pages : 200 ))
  if [ "$peers" = 0 ]; then
    # arshif alone: an index page far in is as cheap as the first; an article beside them.
    far=$(( pages < 2000 ? pages : 2000 ))
    article=$(curl -fs "$live/" | grep -o 'href="./articles/[^"]*"' | head -1 | sed 's#.*articles/##; s#"##')
    forget "first.$n" "far.$n" "article.$n"
    for _ in $(seq 1 "$ROUNDS"); do
      record "first.$n" page_load "$live/" "" "$arshif_pid"
      record "far.$n" page_load "$live/page/$far" "" "$arshif_pid"
      record "article.$n" page_load "$live/articles/$article" "" "$arshif_pid"
    done
    row "$n | index page $far against page 1 | arshif page 1 | $(rps_figure "first.$n") | arshif page $far | $(rps_figure "far.$n") | $(ratio "$(med "far.$n" 1)" "$(med "first.$n" 1)") | $(peak_load "first.$n" "far.$n")"
    row "$n | article, identity | | | arshif serve | $(rps_figure "article.$n") | | $(peak_load "article.$n")"
  else
    # nginx on the export: once with the precompressed files, once compressing on the fly.
    start_nginx() { # $1: conf name, $2: sed script for the site block; sets $nginx_url
      local ndir=$dir/nginx-$1 nport
      nport=$(free_port)
      rm -rf "$ndir" && mkdir -p "$ndir"
      sed -e "s#root /srv/arshif/www;#root $dir/www;#" -e "s#listen 80;#listen 127.0.0.1:$nport;#" \
        -e "$2" deploy/nginx-export.conf >"$ndir/site.conf"
      cat >"$ndir/nginx.conf" <<EOF
load_module $brotli_module;
daemon off;
worker_processes $THREADS;
pid $ndir/nginx.pid;
error_log $ndir/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $ndir/cb; proxy_temp_path $ndir/p; fastcgi_temp_path $ndir/f;
  uwsgi_temp_path $ndir/u; scgi_temp_path $ndir/s;
  include $ndir/site.conf;
}
EOF
      nginx -p "$ndir" -c "$ndir/nginx.conf" -e "$ndir/error.log" </dev/null >/dev/null 2>&1 &
      pids+=($!)
      nginx_pid=$!
      nginx_url=http://127.0.0.1:$nport/archive
    }
    start_nginx static "s#^##"
    static=$nginx_url
    static_pid=$nginx_pid
    start_nginx gzip "s#gzip_static on;#gzip on; gzip_types text/css text/plain application/xml;#; s#brotli_static on;##"
    onthefly=$nginx_url
    onthefly_pid=$nginx_pid
    wait_for "$static/"
    wait_for "$onthefly/"

    # An article's page is a folder (`ID/index.html`); beside it lie its `.json`, `.bib` and
    # `.ris` files and their compressed copies, whose number per article changes with the
    # export's rules, so only folders are counted.
    article=$(cd "$dir/www/archive/articles" && ls -d -- */ | sed -n "$(( n / 2 + 1 ))p" | tr -d /)
    gz='Accept-Encoding: gzip'
    for what in "article:/articles/$article" "index page 1:/" "index page $far:/page/$far"; do
      name=${what%%:*}
      path=${what#*:}
      # Same bytes from both, or the comparison means nothing.
      cmp -s <(curl -fs "$live$path") <(curl -fs "$static$path") \
        || { echo "bench: $path differs between arshif and the export" >&2; exit 1; }
      size=$(curl -fs "$live$path" | wc -c)
      # Each page kept (and its gzip made) before the first round.
      curl -fso /dev/null "$live$path"
      curl -fso /dev/null "$live$path" -H "$gz"
      forget nginx arshif fly gzs arshif-gz
      for _ in $(seq 1 "$ROUNDS"); do
        record nginx page_load "$static$path" "" "$static_pid"
        record arshif page_load "$live$path" "" "$arshif_pid"
        record fly page_load "$onthefly$path" "$gz" "$onthefly_pid"
        record gzs page_load "$static$path" "$gz" "$static_pid"
        record arshif-gz page_load "$live$path" "$gz" "$arshif_pid"
      done
      row "$n | $name ($size bytes), identity | nginx static | $(rps_figure nginx) | arshif serve | $(rps_figure arshif) | $(ratio "$(med arshif 1)" "$(med nginx 1)") | $(peak_load nginx arshif)"
      row "$n | $name, gzip | nginx gzip_static | $(rps_figure gzs) | arshif serve | $(rps_figure arshif-gz) | $(ratio "$(med arshif-gz 1)" "$(med gzs 1)") | $(peak_load gzs arshif-gz)"
      row "$n | $name, gzip | nginx gzip on the fly | $(rps_figure fly) | arshif serve | $(rps_figure arshif-gz) | $(ratio "$(med arshif-gz 1)" "$(med fly 1)") | $(peak_load fly arshif-gz)"
    done
  fi

  say "$n articles: scripts/bench-search.sh"
  URL=$live SERVER_PID=$arshif_pid WORK=$WORK ROUNDS=$ROUNDS DURATION=$DURATION \
    CONNS=$SEARCH_CONNS THREADS=$THREADS scripts/bench-search.sh "$n" >>"$table"

  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
  discard "$n" "$dir/www" "$dir/hugo" "$dir"/nginx-*
done

cat "$table"
