#!/usr/bin/env bash
# Load test of `arshif serve` on 127.0.0.1: wrk with 256 connections for 30 s over every
# valid URL of a generated archive, while the server's resident memory is sampled each second.
#
#     scripts/load.sh [DUMPS] [SECONDS]        (defaults: 3000 dumps, 30 s)
#
# Fails on any socket error (connect, read, write, timeout), any response that is not 2xx,
# or memory that grows during the run: the peak of the last third of the run may exceed the
# peak of the first third (the warm-up, when every page is rendered once) by at most
# max(32 MiB, 25 %). Prints the figures. Installs wrk with apt when missing, builds the
# release binary, and stops everything it started, however it exits.
#
# CONNECTIONS=N changes the connection count; SHARED=DIR says where the team's shared/ is
# (for bench/gen_corpus.py; default ../shared beside the repository). RELOAD_EVERY=S sends
# the server SIGHUP every S seconds during the run, so that it rebuilds and swaps the archive
# under load: zero errors are still required, but memory is only reported, since a rebuild's
# peak (parsing and indexing every dump) stays with the allocator after it (an idle server
# rebuilt 8 times over 3,000 dumps levels off at 330-420 MiB, rather than growing).
set -euo pipefail
cd "$(dirname "$0")/.."

dumps=${1:-3000}
seconds=${2:-30}
connections=${CONNECTIONS:-256}
shared=${SHARED:-../shared}

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo -n apt-get install -y -qq wrk >/dev/null; fi
fi
cargo build --release --quiet
bin=target/release/arshif

work=$(mktemp -d)
server=""
sampler=""
reloader=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$reloader" ] && kill "$reloader" 2>/dev/null || true
  if [ -n "$server" ]; then
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== corpus: $dumps dumps"
python3 "$shared/bench/gen_corpus.py" "$dumps" "$work/articles" >/dev/null
"$bin" build --articles "$work/articles" --build-dir "$work/build" 2>"$work/build.log" || true
head -n 1 "$work/build.log"

# The rebuild log lines (info) count the swaps; the per-request lines stay off.
log_level=warn
[ -z "${RELOAD_EVERY:-}" ] || log_level=info,tower_http=warn
"$bin" serve --addr 127.0.0.1:0 --articles "$work/articles" --build-dir "$work/build" \
  --log-level "$log_level" >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 100); do
  grep -q ' at http://' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/.* at \(http:[^ ]*\)$/\1/p' "$work/serve.out")
[ -n "$url" ] || { echo "the server did not start"; cat "$work/serve.err"; exit 1; }
echo "== serving at $url (pid $server)"

# Every valid URL, from a crawl of the index: each index page, each article and its source,
# the about page and the stylesheet.
python3 - "$url" >"$work/paths" <<'EOF'
import re, sys, urllib.parse, urllib.request
base = sys.argv[1]
def get(path):
    with urllib.request.urlopen(urllib.parse.urljoin(base, path)) as r:
        return r.read().decode("utf-8")
paths, page, n = [], get("/"), 1
paths.append("/")
css = re.search(r'href="([^"]*style\.[^"]*\.css)"', page).group(1)
paths += ["/about", urllib.parse.urljoin("/", css)]
while True:
    for href in re.findall(r'class="entry-title" href="([^"]+)"', page):
        article = urllib.parse.urljoin("/" if n == 1 else f"/page/{n}", href)
        paths += [article, article + "/source"]
    if 'rel="next"' not in page:
        break
    n += 1
    paths.append(f"/page/{n}")
    page = get(f"/page/{n}")
print("\n".join(paths))
EOF
echo "   $(wc -l <"$work/paths") URLs"

cat >"$work/cycle.lua" <<EOF
-- Each thread walks the URL list from its own offset; counts every response that is not 2xx.
local paths = {}
for line in io.lines("$work/paths") do paths[#paths + 1] = line end
local threads = {}
local id = 0
function setup(thread)
  id = id + 1
  thread:set("offset", id * 7919)
  table.insert(threads, thread)
end
function init(args) i = offset; bad = 0; first_bad = "" end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. paths[i] end
  end
end
function done(summary, latency, requests)
  local bad, first = 0, ""
  for _, t in ipairs(threads) do
    bad = bad + t:get("bad")
    if first == "" then first = t:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d status=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f first_bad=%s\n",
    summary.requests, bad, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, first))
end
EOF

rss() { awk '/^VmRSS:/ { print int($2 / 1024) }' "/proc/$server/status"; }
echo "   RSS before the load: $(rss) MiB"
(
  while kill -0 "$server" 2>/dev/null; do
    rss >>"$work/rss"
    sleep 1
  done
) &
sampler=$!

if [ -n "${RELOAD_EVERY:-}" ]; then
  (
    while sleep "$RELOAD_EVERY"; do kill -HUP "$server" 2>/dev/null || exit 0; done
  ) &
  reloader=$!
fi

echo "== wrk: $connections connections, ${seconds}s${RELOAD_EVERY:+, SIGHUP every ${RELOAD_EVERY}s}"
wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s --latency -s "$work/cycle.lua" "$url" | tee "$work/wrk.out"
kill "$sampler" 2>/dev/null || true
sampler=""
if [ -n "$reloader" ]; then
  kill "$reloader" 2>/dev/null || true
  echo "   rebuilds swapped in: $(grep -c 'now serving it' "$work/serve.err" || true)"
fi

result=$(grep '^RESULT' "$work/wrk.out")
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" ${result#RESULT}"; }
mapfile -t samples <"$work/rss"
count=${#samples[@]}
third=$((count / 3))
[ "$third" -ge 1 ] || { echo "too few memory samples ($count)"; exit 1; }
peak() { printf '%s\n' "$@" | sort -n | tail -n 1; }
early=$(peak "${samples[@]:0:third}")
late=$(peak "${samples[@]:count-third}")
allowed=$(( early / 4 > 32 ? early / 4 : 32 ))

echo "== figures"
echo "   requests:         $(field requests) in ${seconds}s ($(sed -n 's/^Requests\/sec: *//p' "$work/wrk.out") req/s)"
echo "   latency:          p50 $(field p50_ms) ms, p99 $(field p99_ms) ms, max $(field max_ms) ms"
echo "   socket errors:    connect $(field connect), read $(field read), write $(field write), timeout $(field timeout)"
echo "   non-2xx:          $(field non2xx) $(field first_bad)"
echo "   RSS (MiB):        peak of first third $early, of last third $late (allowed growth $allowed), samples: ${samples[*]}"

failed=0
for f in connect read write timeout status non2xx; do
  [ "$(field "$f")" = 0 ] || { echo "FAIL: $f = $(field "$f")"; failed=1; }
done
if [ -z "${RELOAD_EVERY:-}" ] && [ $((late - early)) -gt "$allowed" ]; then
  echo "FAIL: memory grew from $early to $late MiB"
  failed=1
fi
kill -0 "$server" 2>/dev/null || { echo "FAIL: the server died"; failed=1; }
[ "$failed" = 0 ] && echo "PASS"
exit "$failed"
