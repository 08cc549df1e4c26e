#!/bin/sh
# Where a command's threads spend their life: per thread, CPU seconds, seconds ready but
# waiting for a core (the machine's load), and seconds blocked (lifetime - CPU - waiting:
# asleep on a lock, a channel or I/O). A pipeline stage that keeps the others waiting shows
# as the others' blocked time; a build that keeps both cores busy shows little. Unlike wall
# time, the split holds on a loaded machine. Linux only (/proc/PID/task/TID/schedstat).
#
#   scripts/thread-cpu.sh target/release/arshif build --articles DIR --out OUT --timings
#
# The command's own output goes to $OUT_LOG (default /tmp/thread-cpu.out).
out_log=${OUT_LOG:-/tmp/thread-cpu.out}
samples=$(mktemp)
"$@" > "$out_log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
  now=$(date +%s.%N)
  for t in /proc/"$pid"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    ss=$(cat "$t/schedstat" 2>/dev/null) || continue
    echo "$now ${t##*/} $(echo "$comm" | tr ' ' _) $ss" >> "$samples"
  done
  sleep 0.2
done
wait "$pid"
status=$?
printf "%-24s %8s %8s %8s %9s\n" "thread/tid" "life s" "cpu s" "runq s" "blocked s"
awk '{ if (!($2 in first)) first[$2] = $1; last[$2] = $1; name[$2] = $3
       cpu[$2] = $4 / 1e9; wait[$2] = $5 / 1e9 }
  END { for (t in name) { life = last[t] - first[t]
          printf "%-24s %8.2f %8.2f %8.2f %9.2f\n", name[t] "/" t, life, cpu[t], wait[t], life - cpu[t] - wait[t] } }' \
  "$samples" | sort -k3 -rn
rm -f "$samples"
exit "$status"
