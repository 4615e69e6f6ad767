#!/usr/bin/env bash
# Local store at scale: fills a store with COUNT (default 10000) small packages through the Java API, then times
# `ebpm list --json`, `ebpm info probe` and an already-installed `ebpm install probe-1.0.0.ebpm` with hyperfine,
# against the same commands on a store holding only the probe package. Goal: big/empty within 1.2x.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
count=${COUNT:-10000}; runs=${RUNS:-10}; rounds=${ROUNDS:-4}
out="$root/bench/.out/store"
[ "${REUSE:-0}" = 1 ] && [ -d "$out/big" ] || { rm -rf "$out"; mkdir -p "$out"; }
need_ebpm_jar
javac -d "$out/classes" -cp "$jar" "$here/StoreBench.java" "$here/StoreCli.java"

# use the real jar's Main if it already has the store commands, else Main + StoreCommands.ALL
if java -jar "$jar" list --json --store "$out/detect" 2>/dev/null | grep -q '^\['; then ebpm="java -jar $jar"; else ebpm="java -cp $out/classes:$jar StoreCli"; fi
echo "cli: $ebpm"

if [ ! -d "$out/big" ]; then
  read -r n secs per < <(java -cp "$out/classes:$jar" StoreBench "$out/big" "$count" "$out/archives")
  java -cp "$out/classes:$jar" StoreBench "$out/empty" 0 "$out/archives" >/dev/null
  printf 'filled %d packages via the Java API in %.1f s: %.2f ms per install\n' "$n" "$secs" "$per" | tee "$out/fill.txt"
else
  cat "$out/fill.txt"
fi
du -sh "$out/big" | awk '{print "big store on disk: " $1}'

archive="$out/archives/probe-1.0.0.ebpm"
# the same three operations in one warm JVM, without JVM start-up in the numbers
java -cp "$out/classes:$jar" StoreBench measure "$out/big" "$out/empty" "$archive"
bench() { # name, command template with STORE
  # several short hyperfine rounds, alternating which store goes first, so load from other work on the
  # machine hits both sides alike; the medians are over all runs of all rounds
  local name=$1 cmd=$2 r
  for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then a=big; b=empty; else a=empty; b=big; fi
    hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/$name.$r.json" \
      -n "$a" "${cmd//STORE/$out/$a}" -n "$b" "${cmd//STORE/$out/$b}" >/dev/null 2>>"$out/hyperfine.log"
  done
  python3 - "$name" "$out/$name".*.json <<'PY'
import json, statistics, sys
times = {"big": [], "empty": []}
cpu = {"big": [], "empty": []}   # user+system per round (hyperfine keeps means only)
for f in sys.argv[2:]:
    for r in json.load(open(f))["results"]:
        times[r["command"]] += r["times"]
        cpu[r["command"]].append(r["user"] + r["system"])
big, empty = times["big"], times["empty"]
mb, me = statistics.median(big), statistics.median(empty)
cb, ce = statistics.mean(cpu["big"]), statistics.mean(cpu["empty"])
print(f"{sys.argv[1]:<8} wall median: 10k {mb*1000:6.1f} ms, 1-pkg {me*1000:6.1f} ms, ratio {mb/me:.2f} | "
      f"wall min: {min(big)*1000:6.1f} / {min(empty)*1000:6.1f} ms, ratio {min(big)/min(empty):.2f} | "
      f"cpu: {cb*1000:6.1f} / {ce*1000:6.1f} ms, ratio {cb/ce:.2f}   (n={len(big)}+{len(empty)})")
PY
}
bench list    "$ebpm list --json --store STORE"
bench info    "$ebpm info probe --store STORE"
bench install "$ebpm install --store STORE $archive"
# sanity: the big store really lists every package
java -cp "$out/classes:$jar" StoreCli list --json --store "$out/big" | grep -c '"name"' | awk '{print "listed in big store: " $1}'
