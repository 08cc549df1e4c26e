#!/bin/sh
# What a process's resident memory is made of, over time: anonymous memory (the heap)
# against mapped files (tantivy's segments, the parts store), from /proc/PID/status every
# INTERVAL seconds (default 1), with the peak so far. A build's peak that rises with RssFile
# is files read through maps (a segment merge), not memory the program allocated.
#
#   arshif build … & scripts/rss-sample.sh $! OUT [INTERVAL]
#
# Each line: seconds since start, RssAnon, RssFile, VmHWM (MB), threads. Linux only (/proc).
pid=${1:?a process id} out=${2:?an output file} interval=${3:-1}
start=$(date +%s)
while [ -e "/proc/$pid/status" ]; do
  awk -v t="$(( $(date +%s) - start ))" '
    /^RssAnon|^RssFile|^VmHWM|^Threads/ { v[$1] = $2 }
    END { if ("VmHWM:" in v) printf "%d anon=%d file=%d hwm=%d threads=%d\n", t,
            v["RssAnon:"] / 1024, v["RssFile:"] / 1024, v["VmHWM:"] / 1024, v["Threads:"] }
  ' "/proc/$pid/status" 2>/dev/null >> "$out"
  sleep "$interval"
done
