#!/usr/bin/env bash
# Serving and build figures of arshif against its peers, measured in one run (issue #6):
#
#   * build: `hugo` on the same articles as Markdown (a minimal site, benches/hugo/) against
#     `arshif build` and `arshif export`: wall seconds and peak RSS from /usr/bin/time -v;
#   * serving: `arshif serve` against nginx serving `arshif export`'s files (the same bytes,
#     deploy/nginx-export.conf) with wrk, THREADS threads CONNS connections DURATION each, on
#     an article page, index page 1 and the last index page (page 2,000 of 100,000 articles),
#     plain and with `Accept-Encoding: gzip` (nginx both ways: gzip_static on the export's
#     .gz files, and `gzip on` compressing on the fly); requests/s and p99 from
#     `wrk --latency`, and each arshif figure as a ratio to nginx's;
#   * search: wrk on /search?q=... when the build has that page.
#
# Prints one markdown table (also written to $WORK/results.md). Usage:
#
#   scripts/bench.sh                      # 1,000, 10,000 and 100,000 articles
#   SIZES="1000 10000" DURATION=5s scripts/bench.sh
#   PERF=1 scripts/bench.sh               # also a perf profile of arshif serving an article
#   PEERS_UP_TO=100000 scripts/bench.sh   # Hugo and nginx at 100,000 too (needs ~8 GB free)
#
# Installs hugo, wrk, nginx (+ its brotli_static module) and GNU time with apt when missing.
# The corpora come from ../shared/bench/gen_corpus.py (GEN=... to point elsewhere) and are
# kept in $WORK (default /tmp/arshif-bench) between runs. Servers listen on 127.0.0.1 only and
# are stopped by PID when the script ends. The machine is shared: compare the figures of one
# run with each other, not with another run's.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

SIZES=${SIZES:-"1000 10000 100000"}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
WORK=${WORK:-/tmp/arshif-bench}
GEN=${GEN:-$root/../shared/bench/gen_corpus.py}
PERF=${PERF:-0}
# Above this many articles only arshif is measured (build; article and index pages 1 and
# 2,000 against each other): Hugo's output and the export of 100,000 articles take some
# 6 GB, more than a shared machine spares.
PEERS_UP_TO=${PEERS_UP_TO:-10000}
export PATH="$PATH:/usr/sbin"

say() { printf '== %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

need=()
command -v hugo >/dev/null || need+=(hugo)
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx)
[ -x /usr/bin/time ] || need+=(time)
brotli_module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
[ -f "$brotli_module" ] || need+=(libnginx-mod-http-brotli-static)
if [ "$PERF" = 1 ] && ! command -v perf >/dev/null; then need+=(linux-perf); fi
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

say "cargo build --release"
cargo build --release --quiet
bin=$root/target/release/arshif
mkdir -p "$WORK"

# Every process started here, stopped by PID on the way out.
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for() {
  for _ in $(seq 1 300); do
    curl -fso /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "bench: $1 never answered" >&2
  exit 1
}

# `timed NAME CMD...`: runs CMD under GNU time; prints "seconds peak-MB". `arshif build`
# exits 1 when a dump has no article, with the archive built all the same: ALLOW_FAIL=1
# lets that pass (the caller checks the archive is there and shows the build's errors).
timed() {
  local out=$WORK/time.$1
  shift
  /usr/bin/time -v -o "$out" "$@" >/dev/null 2>"$out.err" \
    || [ "${ALLOW_FAIL:-}" = 1 ] || { cat "$out.err" >&2; exit 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
              /Maximum resident set size/ { kb = $2 }
              END { printf "%.1f %.0f\n", s, kb / 1024 }' "$out"
}

# `load URL [HEADER]`: "requests/s p99-ms" from wrk.
load() {
  local args=(-t"$THREADS" -c"$CONNS" -d"$DURATION" --latency)
  [ $# -gt 1 ] && args+=(-H "$2")
  wrk "${args[@]}" "$1" | awk '
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = $2 }
    $1 == "99%" { p99 = $2 }
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v
    }
    END { printf "%.0f %.2f %.2f\n", rps, ms(p99), ms(p50) }'
}

table=$WORK/results.md
{
  echo "| articles | what | peer | peer figure | arshif | arshif figure | ratio |"
  echo "|---:|---|---|---:|---|---:|---:|"
} >"$table"
row() { echo "| $* |" >>"$table"; }

for n in $SIZES; do
  dir=$WORK/$n
  if [ ! -f "$dir/truth.jsonl" ]; then
    say "$n articles: generating"
    rm -rf "$dir"
    python3 "$GEN" "$n" "$dir/articles" >/dev/null
  fi

  peers=1
  [ "$n" -le "$PEERS_UP_TO" ] || peers=0
  if [ "$peers" = 1 ]; then
  say "$n articles: Hugo site"
  rm -rf "$dir/hugo" "$dir/hugo-public"
  cp -r benches/hugo "$dir/hugo"
  # Clean Markdown from the generator's truth (true title, date, paragraphs): what a
  # Hugo user would start from.
  python3 - "$dir/truth.jsonl" "$dir/hugo/content/articles" <<'EOF'
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
  read -r hugo_s hugo_mb < <(timed hugo hugo --quiet --source "$dir/hugo" --destination "$dir/hugo-public")
  rm -rf "$dir/hugo-public"
  fi

  say "$n articles: arshif build and export"
  rm -rf "$dir/build" "$dir/www"
  read -r build_s build_mb < <(ALLOW_FAIL=1 timed build "$bin" build --articles "$dir/articles" --build-dir "$dir/build")
  [ -f "$dir/build/archive.bin" ] || { cat "$WORK/time.build.err" >&2; exit 1; }
  grep -E '^read|error:' "$WORK/time.build.err" | head -5 >&2 || true
  if [ "$peers" = 1 ]; then
  read -r export_s export_mb < <(timed export "$bin" export "$dir/www/archive" \
    --articles "$dir/articles" --build-dir "$dir/build")
  row "$n | build the site | hugo | ${hugo_s} s, ${hugo_mb} MB | arshif build | ${build_s} s, ${build_mb} MB | $(awk -v a="$hugo_s" -v b="$build_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
  row "$n | static files | hugo | ${hugo_s} s, ${hugo_mb} MB | arshif build + export | $(awk -v a="$build_s" -v b="$export_s" 'BEGIN { print a + b }') s, ${export_mb} MB | $(awk -v a="$hugo_s" -v b="$build_s" -v c="$export_s" 'BEGIN { printf "%.2f", a / (b + c) }')"
  else
  row "$n | build the site | | | arshif build | ${build_s} s, ${build_mb} MB | "
  fi
  if [ -x scripts/bench-build.sh ]; then
    say "$n articles: scripts/bench-build.sh"
    ARSHIF_BIN=$bin ARSHIF_BENCH_ARTICLES=$dir/articles ARSHIF_BENCH_BUILD=$dir/build \
      scripts/bench-build.sh "$n" >&2 || say "scripts/bench-build.sh failed"
  fi

  # The live server, logging warnings only (nginx below logs nothing either).
  port=$(free_port)
  "$bin" serve --addr "127.0.0.1:$port" --articles "$dir/articles" --build-dir "$dir/build" \
    --log-level warn >/dev/null 2>&1 &
  arshif_pid=$!
  pids+=("$arshif_pid")
  live=http://127.0.0.1:$port
  wait_for "$live/healthz"

  if [ "$peers" = 0 ]; then
    # arshif alone: an index page far in is as cheap as the first; an article beside them.
    pages=$(( (n + 49) / 50 ))
    far=$(( pages < 2000 ? pages : 2000 ))
    article=$(curl -fs "$live/" | grep -o 'href="./articles/[^"]*"' | head -1 | sed 's#.*articles/##; s#"##')
    read -r first_rps first_p99 _ < <(load "$live/")
    read -r far_rps far_p99 _ < <(load "$live/page/$far")
    read -r art_rps art_p99 _ < <(load "$live/articles/$article")
    row "$n | index page $far against page 1 | arshif page 1 | $first_rps req/s, p99 $first_p99 ms | arshif page $far | $far_rps req/s, p99 $far_p99 ms | $(awk -v a="$far_rps" -v b="$first_rps" 'BEGIN { printf "%.2f", a / b }')"
    row "$n | article, identity | | | arshif serve | $art_rps req/s, p99 $art_p99 ms | "
    kill "$arshif_pid" 2>/dev/null || true
    wait "$arshif_pid" 2>/dev/null || true
    pids=()
    continue
  fi

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
    nginx_url=http://127.0.0.1:$nport/archive
  }
  start_nginx static "s#^##"
  static=$nginx_url
  start_nginx gzip "s#gzip_static on;#gzip on; gzip_types text/css text/plain application/xml;#; s#brotli_static on;##"
  onthefly=$nginx_url
  wait_for "$static/"
  wait_for "$onthefly/"

  pages=$(( (n + 49) / 50 ))
  far=$(( pages < 2000 ? pages : 2000 ))
  article=$(ls "$dir/www/archive/articles" | sed -n "$(( n / 2 + 1 ))p")
  for what in "article:/articles/$article" "index page 1:/" "index page $far:/page/$far"; do
    name=${what%%:*}
    path=${what#*:}
    [ "$path" = "/page/1" ] && continue
    # Same bytes from both, or the comparison means nothing.
    cmp -s <(curl -fs "$live$path") <(curl -fs "$static$path") \
      || { echo "bench: $path differs between arshif and the export" >&2; exit 1; }
    size=$(curl -fs "$live$path" | wc -c)
    curl -fso /dev/null "$live$path" -H 'Accept-Encoding: gzip'
    read -r nginx_rps nginx_p99 _ < <(load "$static$path")
    read -r arshif_rps arshif_p99 _ < <(load "$live$path")
    row "$n | $name ($size bytes), identity | nginx static | $nginx_rps req/s, p99 $nginx_p99 ms | arshif serve | $arshif_rps req/s, p99 $arshif_p99 ms | $(awk -v a="$arshif_rps" -v b="$nginx_rps" 'BEGIN { printf "%.2f", a / b }')"
    gz='Accept-Encoding: gzip'
    read -r fly_rps fly_p99 _ < <(load "$onthefly$path" "$gz")
    read -r gzs_rps gzs_p99 _ < <(load "$static$path" "$gz")
    read -r arshif_rps arshif_p99 _ < <(load "$live$path" "$gz")
    row "$n | $name, gzip | nginx gzip on the fly | $fly_rps req/s, p99 $fly_p99 ms | arshif serve | $arshif_rps req/s, p99 $arshif_p99 ms | $(awk -v a="$arshif_rps" -v b="$fly_rps" 'BEGIN { printf "%.2f", a / b }')"
    row "$n | $name, gzip | nginx gzip_static | $gzs_rps req/s, p99 $gzs_p99 ms | arshif serve | $arshif_rps req/s, p99 $arshif_p99 ms | $(awk -v a="$arshif_rps" -v b="$gzs_rps" 'BEGIN { printf "%.2f", a / b }')"
  done

  if [ "$PERF" = 1 ]; then
    say "$n articles: perf profile of arshif serving $article"
    wrk -t"$THREADS" -c"$CONNS" -d12s "$live/articles/$article" >/dev/null &
    wrk_pid=$!
    sleep 1
    perf record -F 999 -g -o "$WORK/perf.$n.data" -p "$arshif_pid" -- sleep 8 >/dev/null 2>&1
    wait "$wrk_pid"
    perf report -i "$WORK/perf.$n.data" --stdio --no-children --percent-limit 1 \
      >"$WORK/perf.$n.txt" 2>/dev/null
    say "profile in $WORK/perf.$n.txt"
  fi

  query=$(python3 -c 'import urllib.parse; print(urllib.parse.quote("سوريا"))')
  if [ "$(curl -so /dev/null -w '%{http_code}' "$live/search?q=$query")" = 200 ]; then
    read -r s_rps s_p99 s_p50 < <(load "$live/search?q=$query")
    row "$n | search \"سوريا\" | | | arshif serve | $s_rps req/s, p50 $s_p50 ms, p99 $s_p99 ms | "
  else
    say "no /search page in this build: search figures from benches/search_scale.rs"
  fi

  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
  rm -rf "$dir/www"
done

cat "$table"
