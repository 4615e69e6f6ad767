#!/usr/bin/env bash
# Start-up: `ebpm --version` and `ebpm list` against a bare `java Hello` (hyperfine, same JDK), and the time from
# `ebpm run sigsnoop` (installed) to its "running" line against the C libbpf loader of bench/lifecycle loading the
# same object to its "attached" line. Prints medians and ratios. JAVA=... picks the JDK (default: java on PATH);
# EBPM_JAR=... measures another build's jar (e.g. an older commit's) in place of this checkout's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
rounds=${ROUNDS:-10}
java=${JAVA:-java}
out="$root/bench/.out/startup"; mkdir -p "$out"
if [ -n "${EBPM_JAR:-}" ]; then jar=$EBPM_JAR; else need_ebpm_jar; fi
export EBPM_HOME="$out/store" EBPM_CONFIG_DIR="$out/config" EBPM_CACHE_DIR="$out/cache"; rm -rf "$EBPM_HOME" "$EBPM_CACHE_DIR"
ebpm=("$java" -Debpm.examples="$root/examples" -Debpm.repo="$root" -jar "$jar")
"${ebpm[@]}" install -q sigsnoop >/dev/null
# builds are reproducible: this is the object of the sigsnoop just installed
"${ebpm[@]}" build "$root/examples/sigsnoop" -o "$out/sigsnoop-build" >/dev/null
obj="$out/sigsnoop-build/sigsnoop.bpf.o"
gcc -O2 -o "$out/loader" "$root/bench/lifecycle/loader.c" -lbpf
"${java%java}javac" -d "$out" "$here/Hello.java" 2>/dev/null || javac -d "$out" "$here/Hello.java"

hyperfine -N --warmup 2 --runs "$rounds" --export-json "$out/hyperfine.json" \
  -n hello "$java -cp $out Hello" \
  -n version "${ebpm[*]} --version" \
  -n list "${ebpm[*]} list" >/dev/null
median_ms() { python3 -c "import json,sys; r={x['command']:x for x in json.load(open('$out/hyperfine.json'))['results']}; print(f\"{r['$1']['median']*1000:.1f}\")"; }
hello=$(median_ms hello); version=$(median_ms version); list=$(median_ms list)

native=$(python3 "$here/attach_time.py" "$rounds" "attached" -- "$out/loader" "$obj")
run=$(python3 "$here/attach_time.py" "$rounds" "running (" -- "${ebpm[@]}" run sigsnoop)

printf '%-44s %10s %10s %8s\n' "start-up ($("$java" -version 2>&1 | head -1))" "median ms" "baseline" "ratio"
awk -v h="$hello" -v v="$version" -v l="$list" -v n="$native" -v r="$run" 'BEGIN {
  printf "%-44s %10.1f %10s %8s\n", "java Hello (baseline)", h, "-", "-"
  printf "%-44s %10.1f %10.1f %8.1f\n", "ebpm --version", v, h, v / h
  printf "%-44s %10.1f %10.1f %8.1f\n", "ebpm list (1 package installed)", l, h, l / h
  printf "%-44s %10.1f %10s %8s\n", "C libbpf loader, sigsnoop to attached", n, "-", "-"
  printf "%-44s %10.1f %10.1f %8.1f\n", "ebpm run sigsnoop to \"running\"", r, n, r / n
}'
echo "(medians of $rounds runs; hyperfine for the first three; bench/startup/attach_time.py for the loaders)"
