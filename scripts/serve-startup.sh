#!/bin/sh
# How long `arshif serve` takes to answer its first 200 on a build folder, and what it cost:
# wall seconds (reportable only when the load average printed before and after is under 1.5),
# CPU seconds (user + system, from /proc/PID/stat, steady under load) and peak RSS at that
# moment, then the CPU of the next 3 s (the check of every dump that follows start-up).
#
#   scripts/serve-startup.sh target/release/arshif ARTICLES BUILD_DIR [PORT]
#
# Build the folder first (`arshif build --articles ARTICLES --build-dir BUILD_DIR`), or the
# figure is a build's. Linux only (/proc).
bin=$1 articles=$2 build=$3 port=${4:-18790}
tick=$(getconf CLK_TCK)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
ARSHIF_LOG_LEVEL=warn "$bin" serve --articles "$articles" --build-dir "$build" \
  --addr "127.0.0.1:$port" > /dev/null 2>&1 &
pid=$!
start=$(date +%s.%N)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ]; do
  kill -0 "$pid" 2>/dev/null || { echo "serve exited"; exit 1; }
  sleep 0.02
done
end=$(date +%s.%N)
cpu() { awk -v t="$tick" '{ printf "%.2f (user %.2f, sys %.2f)", ($14 + $15) / t, $14 / t, $15 / t }' /proc/"$pid"/stat; }
echo "first 200 after $(echo "$end - $start" | bc) s wall, CPU $(cpu) s," \
  "$(grep VmHWM /proc/"$pid"/status | tr -s ' \t' ' ')"
sleep 3
echo "3 s later: CPU $(cpu) s"
kill "$pid"
wait "$pid" 2>/dev/null
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
