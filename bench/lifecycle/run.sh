#!/usr/bin/env bash
# Lifecycle: time from `ebpm run -d sigsnoop` to the first event in the run's log, and the runner's RSS,
# against a native libbpf loader of the same object (loader.c). A signal (kill -0) is sent every 5 ms
# until the event shows up. Runs each variant ROUNDS times and prints medians; the runner's JVM flags
# are varied through EBPM_RUNNER_JAVA_OPTS (unset: ebpm's defaults).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
rounds=${ROUNDS:-5}
out="$root/bench/.out/lifecycle"; mkdir -p "$out"
need_ebpm_jar
ebpm() { java -Debpm.examples="$root/examples" -Debpm.repo="$root" -jar "$jar" "$@"; }
export EBPM_HOME="$out/store" EBPM_CONFIG_DIR="$out/config" EBPM_CACHE_DIR="$out/cache"; rm -rf "$EBPM_HOME" "$EBPM_CACHE_DIR"
ebpm run --duration 0 sigsnoop >/dev/null 2>&1 || true   # builds examples/sigsnoop once, into the cache
# builds are reproducible: this is the object ebpm runs
ebpm build "$root/examples/sigsnoop" -o "$out/sigsnoop-build" >/dev/null
obj="$out/sigsnoop-build/sigsnoop.bpf.o"
gcc -O2 -o "$out/loader" "$here/loader.c" -lbpf
now() { date +%s%N; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }   # KiB
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
trigger_until() { # $1: file to watch for a line
  while [ ! -s "$1" ]; do kill -0 $$ 2>/dev/null; sleep 0.005; done
}

native_round() {
  local log="$out/native.out"; rm -f "$log"
  local t0; t0=$(now)
  "$out/loader" "$obj" >"$log" 2>/dev/null & local pid=$!
  trigger_until "$log"
  local t1; t1=$(now)
  local r1; r1=$(rss $pid); sleep 2; local r2; r2=$(rss $pid)
  kill -TERM $pid; wait $pid || true
  echo "$(( (t1 - t0) / 1000000 )) $r1 $r2"
}

ebpm_round() {
  local t0; t0=$(now)
  local id; id=$(ebpm run -d sigsnoop)
  local t_attached; t_attached=$(now)
  trigger_until "$EBPM_HOME/runs/$id/events.log"
  local t1; t1=$(now)
  local pid; pid=$(sed -n 's/.*"pid" : \([0-9]*\).*/\1/p' <(ebpm ps --json) | head -1)
  local r1; r1=$(rss "$pid"); sleep 2; local r2; r2=$(rss "$pid")
  ebpm stop "$id" >/dev/null
  echo "$(( (t1 - t0) / 1000000 )) $r1 $r2 $(( (t_attached - t0) / 1000000 ))"
}

measure() { # name, then rounds of "ms rss_first rss_2s [attached_ms]"
  local name=$1; shift
  local f="$out/$name.txt"; : >"$f"
  for _ in $(seq "$rounds"); do "$@" >>"$f"; done
  printf '%s %s %s %s\n' "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" \
    "$(cut -d' ' -f4 "$f" | { grep . || echo 0; } | median)"
}

# a CDS archive of the classes a runner loads, dumped when a runner exits
rm -f "$out/runner.jsa"
EBPM_RUNNER_JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss512k -XX:CICompilerCount=1 -Xmx64m -XX:ArchiveClassesAtExit=$out/runner.jsa" ebpm_round >/dev/null
sleep 1

read -r n_ms n_rss n_rss2 _ < <(measure native native_round)
printf 'native libbpf loader: first event after %d ms, RSS %d KiB (%d KiB 2 s later)\n' "$n_ms" "$n_rss" "$n_rss2"
printf '%-56s %9s %9s %8s %8s %10s\n' "ebpm run -d, runner JVM flags" "attach ms" "event ms" "x native" "RSS MiB" "x native"
variant() {
  local label=$1 opts=$2
  if [ "$opts" = "DEFAULT" ]; then unset EBPM_RUNNER_JAVA_OPTS; else export EBPM_RUNNER_JAVA_OPTS="$opts"; fi
  read -r ms r1 r2 att < <(measure "v$(echo "$label" | md5sum | cut -c1-6)" ebpm_round)
  unset EBPM_RUNNER_JAVA_OPTS
  awk -v l="$label" -v a="$att" -v ms="$ms" -v n="$n_ms" -v r="$r2" -v nr="$n_rss2" 'BEGIN {
    printf "%-56s %9d %9d %8.1f %8.1f %10.1f\n", l, a, ms, ms / n, r / 1024, r / nr }'
}
base="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
variant "JVM defaults (no flags)" ""
variant "C1 only + SerialGC" "$base"
variant "  + -Xss512k -XX:CICompilerCount=1 -Xmx64m (ebpm default)" DEFAULT
variant "  + AppCDS (-XX:SharedArchiveFile, dumped at exit)" "$base -Xss512k -XX:CICompilerCount=1 -Xmx64m -XX:SharedArchiveFile=$out/runner.jsa"
echo "(RSS 2 s after the first event; medians of $rounds rounds; attach ms = until ebpm run -d returned)"
