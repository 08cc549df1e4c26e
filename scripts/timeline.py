#!/usr/bin/env python3
"""Per-thread timeline of one build: each thread's running, runnable and blocked time cut at the
laps' marks, with what it ran and, for the main thread, who woke it from each block.

Record (the build under `perf`, its `--timings` in LOG):
  perf record -a -c 1 -e cpu-clock/period=500000/ -e sched:sched_switch \
      -e sched:sched_wakeup -e sched:sched_process_exec -o DATA -- arshif build --timings ...
  perf script -i DATA -F comm,pid,tid,time,event,trace,ip,sym --ns > SCRIPT
  scripts/timeline.py SCRIPT LOG [LAP-NAME-PREFIX ...]
The exec is lap 0's start; laps are the log's unindented lines ("  0.123 s  name"). The clock
samples are every 0.5 ms of a CPU's time, so a thread's symbols are counted in half-milliseconds.
"""
import collections
import re
import sys

SAMPLE_MS = 0.5
line_re = re.compile(r"^\s*(.+?)\s+(-?\d+)/(-?\d+)\s+(\d+\.\d+):\s+(\S+):\s*(.*)$")


def laps_of(log):
    laps = []
    for line in open(log, encoding="utf-8", errors="replace"):
        m = re.match(r"^ {2,6}(\d+\.\d+) s  (\S.*)$", line)
        if m:
            laps.append((m.group(2).strip(), float(m.group(1))))
    return laps


def main():
    script, log = sys.argv[1], sys.argv[2]
    wanted = sys.argv[3:]
    events = []
    pid = None
    exec_t = None
    for line in open(script, encoding="utf-8", errors="replace"):
        m = line_re.match(line)
        if not m:
            continue
        comm, p, tid, t, ev, rest = m.groups()
        p, tid, t = int(p), int(tid), float(t)
        # The command perf ran: the first exec of another program than perf.
        if pid is None and ev.startswith("sched:sched_process_exec") and "/perf " not in rest:
            pid, exec_t = p, t
        events.append((t, p, tid, ev, rest))
    if pid is None:
        sys.exit("no exec of the build found")
    mine = {tid for (_, p, tid, _, _) in events if p == pid}
    comms = {}
    for _, p, tid, ev, rest in events:
        m = re.search(r"prev_comm=(.*?) prev_pid=(\d+)", rest)
        if m and int(m.group(2)) in mine:
            comms[int(m.group(2))] = m.group(1)
    # Each thread's state intervals.
    state = {}  # tid -> (state, since)
    spans = collections.defaultdict(list)  # tid -> [(t0, t1, state)]
    woken_by = {}  # tid -> waker tid of its last wake-up
    blocks = []  # (t0, t1, waker) of the main thread
    samples = collections.defaultdict(collections.Counter)  # (tid, lap) -> symbols
    sample_ts = []
    last_t = events[-1][0]

    def move(tid, new, t):
        old = state.get(tid)
        if old is not None:
            spans[tid].append((old[1], t, old[0]))
            if tid == pid and old[0] == "blocked" and new != "blocked":
                blocks.append((old[1], t, woken_by.get(tid)))
        state[tid] = (new, t)

    for t, p, tid, ev, rest in events:
        if t < exec_t:
            continue
        if ev.startswith("sched:sched_switch"):
            m = re.search(r"prev_pid=(\d+) .*prev_state=(\S+) ==> .*next_pid=(\d+)", rest)
            if not m:
                continue
            prev, pstate, nxt = int(m.group(1)), m.group(2), int(m.group(3))
            if prev in mine:
                if pstate.startswith("R"):
                    move(prev, "runnable", t)
                elif pstate.startswith(("X", "Z")):
                    move(prev, "dead", t)
                else:
                    move(prev, "blocked", t)
            if nxt in mine:
                move(nxt, "running", t)
        elif ev.startswith("sched:sched_wakeup"):
            m = re.search(r"pid=(\d+)", rest)
            if m and int(m.group(1)) in mine:
                w = int(m.group(1))
                woken_by[w] = tid
                if state.get(w, ("blocked",))[0] == "blocked":
                    move(w, "runnable", t)
        elif ev.startswith("cpu-clock") and p == pid:
            parts = rest.split(None, 1)
            sample_ts.append((t, tid, parts[1].strip() if len(parts) > 1 else "?"))
    for tid, (s, since) in state.items():
        spans[tid].append((since, last_t, s))

    laps = laps_of(log)
    marks = []
    at = exec_t
    for name, took in laps:
        marks.append((name, at, at + took))
        at += took
    for t, tid, sym in sample_ts:
        for name, a, b in marks:
            if a <= t < b:
                samples[(tid, name)][sym] += 1
                break

    def role(tid):
        return "main" if tid == pid else f"{comms.get(tid, 't')[:12]}/{tid}"

    for name, a, b in marks:
        if wanted and not any(name.startswith(w) for w in wanted):
            continue
        print(f"== {name}: {1000 * (b - a):.1f} ms (exec +{1000 * (a - exec_t):.1f})")
        rows = []
        for tid in sorted(spans, key=lambda x: (x != pid, x)):
            acc = collections.Counter()
            end_run = None
            for t0, t1, s in spans[tid]:
                lo, hi = max(t0, a), min(t1, b)
                if hi > lo:
                    acc[s] += hi - lo
                    if s == "running":
                        end_run = hi
            if acc["running"] + acc["runnable"] < 0.0005:
                continue
            top = samples[(tid, name)].most_common(4)
            tops = ", ".join(f"{s[:40]} {n * SAMPLE_MS:.1f}" for s, n in top)
            rows.append((end_run or a, tid, acc, tops))
            print(
                f"  {role(tid):>18} run {1000 * acc['running']:7.1f}  runnable "
                f"{1000 * acc['runnable']:7.1f}  blocked {1000 * acc['blocked']:7.1f}  "
                f"last ran +{1000 * ((end_run or a) - a):6.1f}  | {tops}"
            )
        last = max(rows, key=lambda r: r[0]) if rows else None
        if last:
            print(f"  last to run: {role(last[1])} at +{1000 * (last[0] - a):.1f} ms")
        for t0, t1, waker in blocks:
            lo, hi = max(t0, a), min(t1, b)
            if hi - lo > 0.002:
                print(
                    f"  main blocked +{1000 * (lo - a):.1f}..+{1000 * (hi - a):.1f} ms, "
                    f"woken by {role(waker) if waker in mine else waker}"
                )


if __name__ == "__main__":
    main()
