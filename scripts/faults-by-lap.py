"""Minor page faults of one `arshif build --timings`, split by the build's laps: where a build's
fresh pages go, a count that does not depend on the machine's load (notes/build-bench.md,
session 33). Run the build under `perf trace` (its page-fault events work where hardware
counters do not), then give this the trace and the build's stderr:

    perf trace -o TRACE -e openat -F min BIN build --timings --articles A --build-dir B 2> ERR
    python3 scripts/faults-by-lap.py TRACE ERR

The laps are laid end to end from the build's first lap, which begins when the articles folder
is opened (the trace's first `openat` of a directory, within a millisecond or so of the
build's clock); faults before it are the program's start. Under `perf trace` every lap is
slower, but the build's own clock measures them in the same run, so the split holds.
"""

import re
import sys


def laps(err_path):
    """Each top-level lap of the timings (`    1.614 s  list the dumps`) and its length in ms."""
    out = []
    for line in open(err_path, encoding="utf-8", errors="replace"):
        m = re.match(r"^ +([0-9.]+) s  ([a-z].*)$", line.rstrip("\n"))
        if m:
            out.append((m.group(2), float(m.group(1)) * 1000))
    return out


def main(trace_path, err_path):
    faults, start = [], None
    for line in open(trace_path, encoding="utf-8", errors="replace"):
        fields = line.split()
        if not fields:
            continue
        try:
            at = float(fields[0])
        except ValueError:
            continue
        if "fault" in line:
            faults.append(at)
        elif start is None and "openat(" in line and "DIRECTORY" in line:
            start = at
    if start is None:
        sys.exit("no openat of a directory in the trace: was it taken with -e openat?")
    bounds, t = [], start
    for name, took in laps(err_path):
        bounds.append((name, t, t + took))
        t += took
    counts = [0] * len(bounds)
    before = after = 0
    for at in faults:
        if at < start:
            before += 1
            continue
        for k, (_, a, b) in enumerate(bounds):
            if a <= at < b:
                counts[k] += 1
                break
        else:
            after += 1
    print(f"{before:9d}  before the first lap (the program's start)")
    for (name, a, b), n in zip(bounds, counts):
        print(f"{n:9d}  {name} ({b - a:.0f} ms)")
    print(f"{after:9d}  after the last lap")
    print(f"{len(faults):9d}  in all")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: faults-by-lap.py TRACE ERR")
    main(sys.argv[1], sys.argv[2])
