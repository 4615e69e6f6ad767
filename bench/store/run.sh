#!/usr/bin/env bash
# Local store at scale: fills a store with COUNT (default 10000) small packages through the Java API, then times
# `ebpm list --json`, `ebpm info probe` and an already-installed `ebpm install probe-1.0.0.ebpm` with hyperfine,
# against the same commands on a store holding only the probe package. Goal: big/empty within 1.2x.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
count=${COUNT:-10000}; runs=${RUNS:-20}
out="$root/bench/.out/store"; rm -rf "$out"; mkdir -p "$out"
jar="$root/ebpm-cli/target/ebpm.jar"
[ -f "$jar" ] || (cd "$root" && mvn -q -B -DskipTests package -pl ebpm-cli -am)
javac -d "$out/classes" -cp "$jar" "$here/StoreBench.java" "$here/StoreCli.java"

# use the real jar's Main if it already has the store commands, else Main + StoreCommands.ALL
if java -jar "$jar" list --json --store "$out/detect" 2>/dev/null | grep -q '^\['; then ebpm="java -jar $jar"; else ebpm="java -cp $out/classes:$jar StoreCli"; fi
echo "cli: $ebpm"

read -r n secs per < <(java -cp "$out/classes:$jar" StoreBench "$out/big" "$count" "$out/archives")
java -cp "$out/classes:$jar" StoreBench "$out/empty" 0 "$out/archives" >/dev/null
printf 'filled %d packages via the Java API in %.1f s: %.2f ms per install\n' "$n" "$secs" "$per"
du -sh "$out/big" | awk '{print "big store on disk: " $1}'

archive="$out/archives/probe-1.0.0.ebpm"
bench() { # name, command template with STORE
  local name=$1 cmd=$2
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/$name.json" \
    -n "$name big"   "${cmd//STORE/$out/big}" \
    -n "$name empty" "${cmd//STORE/$out/empty}" >/dev/null
  python3 - "$out/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
big, empty = r[0], r[1]
# median: other work on the machine makes the mean noisy
print(f"{sys.argv[2]:<8} 10k-store median {big['median']*1000:6.1f} ms (min {big['min']*1000:6.1f})   "
      f"1-pkg store median {empty['median']*1000:6.1f} ms (min {empty['min']*1000:6.1f})   "
      f"ratio {big['median']/empty['median']:.2f} (min/min {big['min']/empty['min']:.2f})")
PY
}
bench list    "$ebpm list --json --store STORE"
bench info    "$ebpm info probe --store STORE"
bench install "$ebpm install --store STORE $archive"
# sanity: the big store really lists every package
java -cp "$out/classes:$jar" StoreCli list --json --store "$out/big" | grep -c '"name"' | awk '{print "listed in big store: " $1}'
