#!/usr/bin/env bash
# Metrics on vs off, same package and event load, one run: events/s of ebpm's run loop (every event formatted as
# `ebpm run` prints it) without and with a counter labelled {pid, comm, key} with 100 and with 10,000 label sets
# (goal: >= 0.9x), and the time a GET /metrics takes with 10,000 label sets (goal: < 50 ms). EVENTS and ROUNDS override the defaults. Run it alone:
# both figures are CPU-bound, and other work on the machine shows in them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
events=${EVENTS:-2000000}; rounds=${ROUNDS:-5}
out="$root/bench/.out/metrics"; mkdir -p "$out/pkg"
need_ebpm_jar
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
cp "$here/metricsbench.bpf.c" "$out/pkg/"
java -jar "$jar" build "$out/pkg" >/dev/null
javac -d "$out/classes" -cp "$jar" "$here/MetricsBench.java"
read -r off100 on100 _ _ _ < <(java -cp "$out/classes:$jar" MetricsBench "$out/pkg/package.json" "$events" "$rounds" 100 0)
read -r off on lines p50 pmax < <(java -cp "$out/classes:$jar" MetricsBench "$out/pkg/package.json" "$events" "$rounds" 10000 25)
awk -v off100="$off100" -v on100="$on100" -v off="$off" -v on="$on" -v lines="$lines" -v p50="$p50" -v pmax="$pmax" -v n="$events" 'BEGIN {
  printf "run loop over %d ring buffer events, each formatted as ebpm run prints it (best of rounds)\n", n;
  printf "  %-44s %8s %8s %6s\n", "counter {pid, comm, key}", "off", "on", "on/off";
  printf "  %-44s %8.2f %8.2f %6.2f   M events/s (goal >= 0.9)\n", "100 label sets", off100 / 1e6, on100 / 1e6, on100 / off100;
  printf "  %-44s %8.2f %8.2f %6.2f   M events/s\n", "10,000 label sets", off / 1e6, on / 1e6, on / off;
  printf "GET /metrics with %d label sets: median %.1f ms, slowest %.1f ms of 20 (goal < 50 ms)\n", lines, p50, pmax;
}'
