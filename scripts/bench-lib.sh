# Helpers shared by scripts/bench.sh and scripts/bench-search.sh (sourced, not run).
#
# Every measurement goes through `measure`, which reads the 1-minute load average before and
# after it and appends one line per round to $WORK/rounds/LABEL:
#
#   wrk:  "req/s p99-ms p50-ms load-before load-after cpu-us-per-request"
#   time: "wall-s cpu-s peak-MB load-before load-after"
#
# so that a row can show the median of the rounds and the highest load seen around them.
# Issue 13: a figure measured at a load above 1.5 is not to be reported, and rows say so.
#
# The 1-minute load average trails: a build that kept both cores busy leaves it near 2 for a
# minute after it ended, and a wrk round raises it by its own connections. So each measurement
# first waits (`settle`) until the load is back under SETTLE, and a figure is judged by the load
# read just before it started: what else the machine was doing, not what the measurement
# itself did. The load after is printed beside it (it is mostly the measurement's own).

say() { printf '== %s\n' "$*" >&2; }

loadavg() { cut -d' ' -f1 /proc/loadavg; }

# The load above which a figure is marked as not reportable.
MAX_LOAD=${MAX_LOAD:-1.5}
# Each measurement waits until the load is under SETTLE, for at most SETTLE_MAX seconds (then
# it runs anyway, and the load before it says so).
SETTLE=${SETTLE:-1.0}
SETTLE_MAX=${SETTLE_MAX:-120}

# `settle`: waits for the load average to fall under SETTLE (see above).
settle() {
  local waited=0
  while awk -v l="$(loadavg)" -v s="$SETTLE" 'BEGIN { exit !(l > s) }' && [ "$waited" -lt "$SETTLE_MAX" ]; do
    sleep 5
    waited=$((waited + 5))
  done
}

# `median X...`: the median of the numbers given.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
    END { if (NR == 0) print 0; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# `ratio A B`: A / B to two decimals (0 when B is 0).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# Longest any one timed command may run (timeout(1)'s syntax): a run that hangs fails the
# script instead of holding the machine.
TIME_LIMIT=${TIME_LIMIT:-2h}

# `warm DIR...`: every file under the folders read once, so that the run after finds them in
# the page cache (`ready_run`'s WARM: the folders separated by spaces).
warm() { find "$@" -type f -print0 | xargs -0 -r cat >/dev/null; }

# `ready_run`: what every timed run waits for first. WARM names the folders the run reads,
# read once just before it (after `settle`), whichever program it is: a file left unread for a
# minute may be out of the page cache by then (on the KVM machines of issue 13, DAMON pages out
# memory idle for 60 s, page cache included, and `settle` itself waits up to two minutes), so
# that a run would read part of its input from the disk, by chance and more for one peer than
# another (notes/build-bench.md, session 60). And every run starts with nothing left to write:
# the runs before it leave up to a gigabyte of written files in memory (an export: 0.85-1.0 GB
# dirty), which the kernel writes out 30 s later, during whichever run comes then, so `sync`
# writes it first, before `settle` waits out the load it makes (session 61).
ready_run() {
  sync
  settle
  # shellcheck disable=SC2086
  if [ -n "${WARM:-}" ]; then warm $WARM; fi
}

# `timed_run OUT CMD...`: runs CMD under GNU time (its report in OUT), after `ready_run`;
# prints "wall-s cpu-s peak-MB load-before load-after". `arshif build` exits 1 when a dump has
# no article, with the archive built all the same: ALLOW_FAIL=1 lets that pass (the caller
# checks the output is there).
timed_run() {
  local out=$1 before status=0
  shift
  ready_run
  before=$(loadavg)
  /usr/bin/time -v -o "$out" timeout --kill-after=30s "$TIME_LIMIT" "$@" >/dev/null 2>"$out.err" \
    || status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    echo "bench: $* ran past TIME_LIMIT=$TIME_LIMIT" >&2
    return 1
  fi
  if [ "$status" != 0 ] && [ "${ALLOW_FAIL:-}" != 1 ]; then
    tail -n 30 "$out.err" >&2
    return 1
  fi
  awk -F': ' -v lb="$before" -v la="$(loadavg)" '
    /Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
    /User time|System time/ { cpu += $2 }
    /Maximum resident set size/ { kb = $2 }
    END { printf "%.2f %.2f %.0f %s %s\n", s, cpu, kb / 1024, lb, la }' "$out"
}

# `cpu_ticks PID...`: CPU time (user + system, in clock ticks) used so far by each PID and its
# children (nginx's workers under its master); threads count with their process.
cpu_ticks() {
  local pid kids=()
  for pid in "$@"; do
    kids+=("$pid")
    while read -r kid; do kids+=("$kid"); done < <(ps -o pid= --ppid "$pid" 2>/dev/null || true)
  done
  for pid in "${kids[@]}"; do cat "/proc/$pid/stat" 2>/dev/null || true; done \
    | awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}

# `wrk_run URL THREADS CONNS DURATION [HEADER] [PIDS]`: prints "req/s p99-ms p50-ms
# load-before load-after cpu-us-per-request", the last from the CPU time PIDS (the server's
# processes; 0 without) used during the run: unlike req/s, it holds roughly steady when the
# machine is loaded. Fails when wrk saw socket errors or non-2xx answers (a figure of errors is
# no figure).
wrk_run() {
  local url=$1 threads=$2 conns=$3 duration=$4 header=${5:-} servers=${6:-} before out t0=0 t1=0
  local args=(-t"$threads" -c"$conns" -d"$duration" --latency)
  [ -n "$header" ] && args+=(-H "$header")
  settle
  before=$(loadavg)
  # shellcheck disable=SC2086
  [ -n "$servers" ] && t0=$(cpu_ticks $servers)
  out=$(wrk "${args[@]}" "$url")
  # shellcheck disable=SC2086
  [ -n "$servers" ] && t1=$(cpu_ticks $servers)
  if grep -qE 'Socket errors|Non-2xx' <<<"$out"; then
    echo "bench: errors from $url:" >&2
    echo "$out" >&2
    return 1
  fi
  awk -v lb="$before" -v la="$(loadavg)" -v ticks=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v
    }
    /Requests\/sec/ { rps = $2 }
    /requests in/ { requests = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    END { printf "%.0f %.2f %.2f %s %s %.0f\n", rps, p99, p50, lb, la, (requests > 0 ? ticks / hz * 1e6 / requests : 0) }' <<<"$out"
}

# `record LABEL CMD...`: runs CMD (one of the two above), appends its line to LABEL's rounds
# and prints it on stderr with the load average before and after it.
record() {
  local label=$1 line
  shift
  line=$("$@") || exit 1
  mkdir -p "$WORK/rounds"
  echo "$line" >>"$WORK/rounds/$label"
  awk -v l="$label" '{ printf "   %s: %s %s %s (load %s before, %s after)\n", l, $1, $2, $3, $4, $5 }' <<<"$line" >&2
}

# `forget LABEL...`: starts LABEL's rounds afresh.
forget() {
  mkdir -p "$WORK/rounds"
  for label in "$@"; do rm -f "$WORK/rounds/$label"; done
}

# `med LABEL COLUMN`: the median of COLUMN (1-based) over LABEL's rounds.
med() {
  # shellcheck disable=SC2046
  median $(awk -v c="$2" '{ print $c }' "$WORK/rounds/$1")
}

# `peak_load LABEL...`: the highest load average read before any round of LABELs and the
# highest after, "B / A"; marked when B is above MAX_LOAD (see `settle` for why the load
# before is the one that judges).
peak_load() {
  local labels=() l
  for l in "$@"; do labels+=("$WORK/rounds/$l"); done
  cat "${labels[@]}" | awk -v max="$MAX_LOAD" '
    { if ($4 + 0 > before) before = $4 + 0; if ($5 + 0 > after) after = $5 + 0 }
    END { printf "%.2f / %.2f%s", before, after, (before > max ? " (too loaded: not reportable)" : "") }'
}

# `rps_figure LABEL`: "N req/s, p99 M ms, C µs CPU/request" from the medians of LABEL's wrk
# rounds (the CPU figure only when the server's processes were known).
rps_figure() {
  local cpu
  cpu=$(med "$1" 6)
  echo "$(med "$1" 1) req/s, p99 $(med "$1" 2) ms$([ "$cpu" != 0 ] && echo ", $cpu µs CPU/req")"
}

# `time_figure LABEL`: "W s (C CPU-s), M MB" from the medians of LABEL's timed rounds.
time_figure() { echo "$(med "$1" 1) s ($(med "$1" 2) CPU-s), $(med "$1" 3) MB"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for() {
  for _ in $(seq 1 600); do
    curl -fso /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "bench: $1 never answered" >&2
  return 1
}

# `ensure_corpus DIR N SEED`: N generated dumps in DIR/articles (and DIR/truth.jsonl), made once.
ensure_corpus() {
  local dir=$1 n=$2 seed=$3
  if [ ! -f "$dir/truth.jsonl" ] || [ "$(cat "$dir/seed" 2>/dev/null)" != "$n $seed" ]; then
    say "$n articles: generating (seed $seed)"
    rm -rf "$dir"
    mkdir -p "$dir"
    nice -n 10 python3 "$GEN" "$n" "$dir/articles" --seed "$seed" >/dev/null
    echo "$n $seed" >"$dir/seed"
  fi
}

# `revision_table FILE`: FILE holds "base|new TAB what TAB value" lines, one per round; prints
# a Markdown table of each row's median for both and the ratio new/base
# (scripts/bench-revisions.sh, scripts/bench-parser-revisions.sh).
revision_table() {
  python3 - "$1" <<'EOF'
import statistics, sys
from collections import defaultdict
rows = defaultdict(lambda: defaultdict(list))
for line in open(sys.argv[1]):
    which, what, value = line.rstrip("\n").split("\t")
    rows[what][which].append(float(value))
print("| what | base (median) | new (median) | new/base |")
print("|---|---:|---:|---:|")
for what, by in rows.items():
    b, n = statistics.median(by["base"]), statistics.median(by["new"])
    print(f"| {what} | {b:g} | {n:g} | {n / b:.2f} |")
EOF
}
