#!/usr/bin/env bash
# The first searches of a freshly started `arshif serve`, as /tmp/lead-1m.sh makes them: right
# after the first 200 of /, each query once ("first"), then each again. Per request: wall
# seconds (reportable only when the load average printed before and after is under 1.5),
# then, from /proc over the request's window, the whole process's CPU milliseconds
# and its minor and major page faults. The window also holds whatever else the server does
# then (the check of every dump after start-up): that is the point, it is what the first
# reader waits behind. SETTLE=N waits N seconds after the first 200 to see the searches alone.
# COLD=1 first drops the build's search index and its parts store (where the hits' bodies
# are read since session 23) from the page cache (posix_fadvise DONTNEED on their files,
# nobody else's), as a large build leaves them: the first searches then show the disk reads
# (major faults) that a warm cache hides (notes/search-bench.md, sessions 22 and 23).
#
#   scripts/first-search.sh target/release/arshif ARTICLES BUILD_DIR [QUERY...]
#
# Build the folder first. Linux only (/proc). notes/search-bench.md, session 21.
set -u
bin=$1 articles=$2 build=$3
shift 3
[ $# -gt 0 ] || set -- 'سوريا' '"وزير الخارجية"' 'لافروف'
port=${PORT:-18979}
if [ "${COLD:-0}" = 1 ]; then
  python3 - "$build" <<'EOF_PY'
import glob, os, sys
build = sys.argv[1]
dropped = 0
for path in glob.glob(os.path.join(build, "search", "*")) + glob.glob(os.path.join(build, "parts-*.bin")):
    if os.path.isfile(path):
        fd = os.open(path, os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        dropped += os.fstat(fd).st_size
        os.close(fd)
print(f"dropped {dropped / 1e6:.0f} MB of {build}/search and {build}/parts-*.bin from the page cache")
EOF_PY
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" serve --articles "$articles" --build-dir "$build" --addr "127.0.0.1:$port" \
  --log-level warn >/dev/null 2>&1 &
pid=$!
until curl -fso /dev/null "http://127.0.0.1:$port/"; do
  kill -0 "$pid" 2>/dev/null || { echo "serve exited"; exit 1; }
  sleep 0.02
done
sleep "${SETTLE:-0}"
# CPU nanoseconds of every thread (schedstat; printed with %.0f, as mawk's %d stops at 2^31
# and a server past 2.1 CPU-s then read as 0 ms a request), then the process's minor and
# major faults (/proc/PID/stat fields 10 and 12), then the bytes it had read from the disk
# (/proc/PID/io read_bytes: the reads it started, read-ahead included) less those of its two
# idle threads (the index's read-ahead and the check of every dump, which run meanwhile).
# Read from /proc rather than by a background `perf stat`:
# a background job of a non-interactive shell ignores SIGINT, so that one never stopped.
cost() {
  cat /proc/"$pid"/task/*/schedstat 2>/dev/null | awk '{ns += $1} END {printf "%.0f ", ns}'
  awk '{printf "%s %s ", $10, $12}' /proc/"$pid"/stat
  local all idle=0 task
  all=$(awk '/^read_bytes/ {print $2}' /proc/"$pid"/io)
  for task in /proc/"$pid"/task/*; do
    case $(cat "$task"/comm 2>/dev/null) in
      arshif-warm|arshif-check) idle=$((idle + $(awk '/^read_bytes/ {print $2}' "$task"/io 2>/dev/null || echo 0))) ;;
    esac
  done
  echo "$((all - idle))"
}
one() {
  local before after
  before=$(cost)
  curl -fso /dev/null -w "$1 $2: %{time_total} s wall, " -G --data-urlencode "q=$2" \
    "http://127.0.0.1:$port/search"
  after=$(cost)
  echo "$before $after" | awk '{ printf "process CPU %.1f ms, %d minor faults, %d major, %.2f MB read\n",
    ($5 - $1) / 1e6, $6 - $2, $7 - $3, ($8 - $4) / 1e6 }'
}
for q in "$@"; do one first "$q"; done
for q in "$@"; do one again "$q"; done
kill "$pid"
wait "$pid" 2>/dev/null
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
