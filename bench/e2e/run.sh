#!/usr/bin/env bash
# Events end to end: `ebpm run sigsnoop --json > FILE` against a C libbpf loader (loader.c, bpftool's skeleton of the
# same sigsnoop.bpf.o) that writes the same JSON lines with printf, under the same storm (storm.c: THREADS threads
# calling kill(self, 0) for SECONDS seconds, filtered_pid = the storm's pid on both sides). Counts the lines each wrote
# per second of storm and the events each dropped (storm calls - lines: the ring buffer was full), ROUNDS rounds each,
# best round, and the ratio (goal: ebpm >= 0.9x the C loader). EBPM_JAR / JAVA as in bench/startup.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
rounds=${ROUNDS:-3} threads=${THREADS:-1} seconds=${SECONDS_STORM:-3}
java=${JAVA:-java}
out="$root/bench/.out/e2e"; mkdir -p "$out"
if [ -n "${EBPM_JAR:-}" ]; then jar=$EBPM_JAR; else need_ebpm_jar; fi
export EBPM_HOME="$out/store" EBPM_CONFIG_DIR="$out/config" EBPM_CACHE_DIR="$out/cache"; rm -rf "$EBPM_HOME" "$EBPM_CACHE_DIR"
ebpm=("$java" $(ebpm_jvm_flags "$java") -Debpm.examples="$root/examples" -Debpm.repo="$root" -jar "$jar")
"${ebpm[@]}" install -q sigsnoop >/dev/null
# builds are reproducible: this is the object of the sigsnoop just installed
"${ebpm[@]}" build "$root/examples/sigsnoop" -o "$out/sigsnoop-build" >/dev/null
obj="$out/sigsnoop-build/sigsnoop.bpf.o"
bpftool gen skeleton "$obj" name sigsnoop_bpf > "$out/sigsnoop.skel.h"
gcc -O2 -I"$out" -o "$out/loader" "$here/loader.c" -lbpf
gcc -O2 -pthread -o "$out/storm" "$here/storm.c"

# one round: LABEL COMMAND... (the command gets the storm's pid appended as its filter); prints "lines seconds calls"
round() {
  local label=$1; shift
  coproc STORM { "$out/storm" "$threads" "$seconds"; }
  local pid; read -r pid <&"${STORM[0]}"
  local file="$out/$label.jsonl" err="$out/$label.err"
  "$@" "$pid" >"$file" 2>"$err" & local loader=$!
  while ! grep -q -e attached -e running "$err" 2>/dev/null; do
    kill -0 $loader 2>/dev/null || { echo "$label exited: $(cat "$err")" >&2; exit 1; }
    sleep 0.02
  done
  echo go >&"${STORM[1]}"
  local calls elapsed; read -r calls elapsed <&"${STORM[0]}"
  sleep 1   # let the consumer drain what the ring buffer holds
  kill -TERM $loader; wait $loader || true   # TERM: a background job of a script ignores SIGINT
  echo "$(wc -l <"$file") $elapsed $calls"
}

best() { # label, command: the round with the most lines per second
  local label=$1; shift
  local b=""
  for _ in $(seq "$rounds"); do
    local r; r=$(round "$label" "$@")
    b=$(printf '%s\n%s\n' "$b" "$r" | awk 'NF==3 {print $1/$2, $0}' | sort -gr | head -1 | cut -d' ' -f2-)
  done
  echo "$b"
}

read -r c_lines c_secs c_calls < <(best native "$out/loader")
read -r e_lines e_secs e_calls < <(best ebpm "${ebpm[@]}" run sigsnoop --json --filtered_pid)
head -1 "$out/ebpm.jsonl" > "$out/ebpm.first"; head -1 "$out/native.jsonl" > "$out/native.first"
printf '%-34s %12s %12s %12s %10s\n' "sigsnoop, $threads storm thread(s), ${seconds}s" "events/s" "storm/s" "dropped" "lines"
awk -v cl="$c_lines" -v cs="$c_secs" -v cc="$c_calls" -v el="$e_lines" -v es="$e_secs" -v ec="$e_calls" 'BEGIN {
  printf "%-34s %12.0f %12.0f %11.1f%% %10d\n", "C libbpf loader, printf", cl / cs, cc / cs, 100 * (cc - cl) / cc, cl
  printf "%-34s %12.0f %12.0f %11.1f%% %10d\n", "ebpm run --json > file", el / es, ec / es, 100 * (ec - el) / ec, el
  printf "ratio (ebpm / C, events written per second): %.2f (goal >= 0.9)\n", (el / es) / (cl / cs)
}'
echo "first lines, C:    $(cat "$out/native.first")"
echo "first lines, ebpm: $(cat "$out/ebpm.first")"
echo "(best of $rounds rounds each; dropped = storm calls - lines written: the ring buffer was full)"
