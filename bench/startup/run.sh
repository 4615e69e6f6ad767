#!/usr/bin/env bash
# Start-up, the four rows of issue 14's table in one run: `ebpm --version` and `ebpm list` against a bare `java Hello`
# on the same JDK (hyperfine); the time from `ebpm run sigsnoop` (installed) to its "running" line against the C
# libbpf loader of bench/lifecycle loading the same object to its "attached" line; then bench/lifecycle for the
# daemon's rows (run -d to first event, memory per run). ebpm runs with the flags ./ebpm gives it (bench/lib.sh:
# SQLite's library unpacked at build, the build's JVM cache for this JDK). Medians and ratios against each goal.
# JAVA=... picks the JDK (default: java on PATH); EBPM_JAR=... measures another build's jar (e.g. an older commit's).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
rounds=${ROUNDS:-10}
java=${JAVA:-java}
out="$root/bench/.out/startup"; mkdir -p "$out"
if [ -n "${EBPM_JAR:-}" ]; then jar=$EBPM_JAR; else need_ebpm_jar; fi
export EBPM_HOME="$out/store" EBPM_CONFIG_DIR="$out/config" EBPM_CACHE_DIR="$out/cache"; rm -rf "$EBPM_HOME" "$EBPM_CACHE_DIR"
props="-Debpm.examples=$root/examples -Debpm.repo=$root"
ebpm() { local c=$1; echo "$java $(ebpm_jvm_flags "$java" "$c" | tr '\n' ' ')$props -jar $jar"; }
$(ebpm install) install -q sigsnoop >/dev/null
# builds are reproducible: this is the object of the sigsnoop just installed
$(ebpm build) build "$root/examples/sigsnoop" -o "$out/sigsnoop-build" >/dev/null
obj="$out/sigsnoop-build/sigsnoop.bpf.o"
gcc -O2 -o "$out/loader" "$root/bench/lifecycle/loader.c" -lbpf
"${java%java}javac" -d "$out" "$here/Hello.java" 2>/dev/null || javac -d "$out" "$here/Hello.java"

hyperfine -N --warmup 2 --runs "$rounds" --export-json "$out/hyperfine.json" \
  -n hello "$java -cp $out Hello" \
  -n version "$(ebpm --version) --version" \
  -n list "$(ebpm list) list" >/dev/null
median_ms() { python3 -c "import json,sys; r={x['command']:x for x in json.load(open('$out/hyperfine.json'))['results']}; print(f\"{r['$1']['median']*1000:.1f}\")"; }
hello=$(median_ms hello); version=$(median_ms version); list=$(median_ms list)

native=$(python3 "$here/attach_time.py" "$rounds" "attached" -- "$out/loader" "$obj")
run=$(python3 "$here/attach_time.py" "$rounds" "running (" -- $(ebpm run) run sigsnoop)

printf '%-52s %10s %10s %8s %8s\n' "start-up ($("$java" -version 2>&1 | head -1))" "median ms" "baseline" "ratio" "goal"
awk -v h="$hello" -v v="$version" -v l="$list" -v n="$native" -v r="$run" 'BEGIN {
  printf "%-52s %10.1f %10s %8s %8s\n", "java Hello (baseline)", h, "-", "-", "-"
  printf "%-52s %10.1f %10.1f %8.1f %8s\n", "ebpm --version", v, h, v / h, "<= 4"
  printf "%-52s %10.1f %10.1f %8.1f %8s\n", "ebpm list (1 package installed)", l, h, l / h, "<= 4"
  printf "%-52s %10.1f %10s %8s %8s\n", "C libbpf loader, sigsnoop to attached", n, "-", "-", "-"
  printf "%-52s %10.1f %10.1f %8.1f %8s\n", "ebpm run sigsnoop to \"running\"", r, n, r / n, "<= 10"
}'
echo "(medians of $rounds runs; hyperfine for the first three; bench/startup/attach_time.py for the loaders)"
echo
JAVA="$java" ROUNDS="${LIFECYCLE_ROUNDS:-5}" "$root/bench/lifecycle/run.sh"
