#!/usr/bin/env bash
# Lifecycle with the daemon: time from `ebpm run -d sigsnoop` (the daemon already running) to its first event in the
# run's log, against loader.c (the same sigsnoop.bpf.o through libbpf) to its first event, a kill -0 every 5 ms until
# one shows up; and the daemon's resident memory as it hosts 0, 1, ... RUNS detached runs, against the C loader's and
# against one runner JVM of ebpm before the daemon (94.3 MiB, docs/lifecycle.md). ROUNDS rounds, medians.
# JAVA=... picks the JDK; EBPM_JAR=... another build; EBPM_DAEMON_JAVA_OPTS=... other daemon JVM flags.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
rounds=${ROUNDS:-5} runs=${RUNS:-10}
java=${JAVA:-java}
runner_mib=94.3
out="$root/bench/.out/lifecycle"; mkdir -p "$out"
if [ -n "${EBPM_JAR:-}" ]; then jar=$EBPM_JAR; else need_ebpm_jar; fi
ebpm() { local w=$1 c=$1; [ "$c" = run ] && [ "${2:-}" = -d ] && c=run-d; shift; "$java" $(ebpm_jvm_flags "$java" "$c") \
  -Debpm.examples="$root/examples" -Debpm.repo="$root" -jar "$jar" "$w" "$@"; }
export EBPM_HOME="$out/store" EBPM_CONFIG_DIR="$out/config" EBPM_CACHE_DIR="$out/cache"; rm -rf "$EBPM_HOME" "$EBPM_CACHE_DIR"
ebpm install -q sigsnoop >/dev/null   # builds examples/sigsnoop once, into the cache
# builds are reproducible: this is the object ebpm runs
ebpm build "$root/examples/sigsnoop" -o "$out/sigsnoop-build" >/dev/null
obj="$out/sigsnoop-build/sigsnoop.bpf.o"
gcc -O2 -o "$out/loader" "$here/loader.c" -lbpf
now() { date +%s%N; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }   # KiB
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
trigger_until() { while [ ! -s "$1" ]; do kill -0 $$ 2>/dev/null; sleep 0.005; done; }

native_round() {
  local log="$out/native.out"; rm -f "$log"
  local t0; t0=$(now)
  "$out/loader" "$obj" >"$log" 2>/dev/null & local pid=$!
  trigger_until "$log"
  local t1; t1=$(now)
  sleep 2; local r; r=$(rss $pid)
  kill -TERM $pid; wait $pid || true
  echo "$(( (t1 - t0) / 1000000 )) $r"
}

daemon_round() { # the daemon runs: one run -d to its first event, then stop it
  local t0; t0=$(now)
  local id; id=$(ebpm run -d sigsnoop)
  local t1; t1=$(now)
  trigger_until "$EBPM_HOME/runs/$id/events.log"
  local t2; t2=$(now)
  ebpm stop "$id" >/dev/null
  echo "$(( (t2 - t0) / 1000000 )) $(( (t1 - t0) / 1000000 ))"
}

: >"$out/native.txt"; for _ in $(seq "$rounds"); do native_round >>"$out/native.txt"; done
n_ms=$(cut -d' ' -f1 "$out/native.txt" | median); n_rss=$(cut -d' ' -f2 "$out/native.txt" | median)

# start the daemon (the first run -d does), then time run -d with it running
first=$(ebpm run -d sigsnoop); ebpm stop "$first" >/dev/null
daemon=$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$EBPM_HOME/runs/daemon.json")
: >"$out/daemon.txt"; for _ in $(seq "$rounds"); do daemon_round >>"$out/daemon.txt"; done
d_ms=$(cut -d' ' -f1 "$out/daemon.txt" | median); d_att=$(cut -d' ' -f2 "$out/daemon.txt" | median)

# memory: the daemon's RSS with 0..RUNS runs, each 2 s after it started (events flowing)
printf '%-8s %10s %10s\n' "runs" "RSS MiB" "+MiB"
prev=""; : >"$out/rss.txt"
for i in $(seq 0 "$runs"); do
  [ "$i" -gt 0 ] && ebpm run -d sigsnoop >/dev/null
  sleep 2; r=$(rss "$daemon"); echo "$i $r" >>"$out/rss.txt"
  awk -v i="$i" -v r="$r" -v p="$prev" 'BEGIN { printf "%-8d %10.1f %10s\n", i, r / 1024, p == "" ? "-" : sprintf("%+.1f", (r - p) / 1024) }'
  prev=$r
done
ebpm stop --all >/dev/null; ebpm daemon stop 2>/dev/null || true
r1=$(awk '$1==1 {print $2}' "$out/rss.txt"); rn=$(awk -v n="$runs" '$1==n {print $2}' "$out/rss.txt")

printf '\n%-52s %10s %10s %8s %8s\n' "lifecycle ($("$java" -version 2>&1 | head -1))" "ebpm" "baseline" "ratio" "goal"
awk -v n="$n_ms" -v d="$d_ms" -v a="$d_att" -v nr="$n_rss" -v r1="$r1" -v rn="$rn" -v runs="$runs" -v rm="$runner_mib" 'BEGIN {
  printf "%-52s %8d ms %7d ms %8.1f %8s\n", "run -d sigsnoop to first event (daemon running)", d, n, d / n, "<= 5"
  printf "%-52s %8d ms %10s %8s %8s\n", "  of which: run -d returned (programs attached)", a, "-", "-", "-"
  printf "%-52s %7.1f MiB %6.1f MiB %8.1f %8s\n", "RSS added per detached run (1 to " runs " runs)", (rn - r1) / (runs - 1) / 1024, nr / 1024, "-", "<= 8 MiB"
  printf "%-52s %7.1f MiB %6.1f MiB %8.2f %8s\n", "daemon RSS with " runs " runs vs one runner JVM before", rn / 1024, rm, rn / 1024 / rm, "< 1"
}'
echo "(medians of $rounds rounds; baselines: loader.c, the same object through libbpf; RSS 2 s after each start)"
