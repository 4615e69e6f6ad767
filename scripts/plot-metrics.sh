#!/usr/bin/env bash
# Renders docs/metrics-runqlat.png from real data: `ebpm run runqlat --metrics` is scraped by Prometheus (with the
# scrape config of docs/metrics.md) for about two minutes, idle, then with busy shells competing for the CPUs, then
# idle again; Prometheus computes run-queue latency quantiles from the ebpm_histogram buckets (query_range), and
# gnuplot draws them. Needs root (BPF), prometheus and gnuplot (scripts/setup.sh installs both). PHASE=seconds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
. "$root/bench/lib.sh"
need_ebpm_jar
phase=${PHASE:-40}
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ebpm_port=$(free_port); prom_port=$(free_port)
cp "$jar" "$work/ebpm.jar"   # a rebuild meanwhile must not pull the jar from under the run

EBPM_HOME="$work/store" java -Debpm.examples="$root/examples" -jar "$work/ebpm.jar" run runqlat --metrics "127.0.0.1:$ebpm_port" >/dev/null 2>"$work/ebpm.log" &
pids+=($!)
for _ in $(seq 600); do grep -q running "$work/ebpm.log" && break; sleep 0.2; done
grep -q running "$work/ebpm.log" || { cat "$work/ebpm.log" >&2; exit 1; }

# the scrape config exactly as docs/metrics.md shows it, pointed at this run
python3 - "$root/docs/metrics.md" "127.0.0.1:$ebpm_port" > "$work/prometheus.yml" <<'PY'
import re, sys
doc = open(sys.argv[1]).read()
block = re.search(r"<!-- scrape config -->\s*```yaml\n(.*?)```", doc, re.S).group(1)
print(block.replace("127.0.0.1:9464", sys.argv[2]), end="")
PY
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" --web.listen-address="127.0.0.1:$prom_port" \
  --log.level=warn 2>"$work/prometheus.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$prom_port/-/ready" >/dev/null && break; sleep 0.2; done

start=$(date +%s)
echo "plot: idle for ${phase}s" >&2; sleep "$phase"
echo "plot: $(( $(nproc) * 2 )) busy shells for ${phase}s" >&2
busy=()
for _ in $(seq $(( $(nproc) * 2 ))); do sh -c 'while :; do :; done' & busy+=($!); pids+=($!); done
sleep "$phase"
kill "${busy[@]}"
echo "plot: idle for ${phase}s" >&2; sleep "$phase"
end=$(date +%s)

for q in 0.5 0.9 0.99; do
  curl -sfG "http://127.0.0.1:$prom_port/api/v1/query_range" --data-urlencode \
    "query=histogram_quantile($q, rate(ebpm_histogram_bucket{package=\"runqlat\",map=\"hists\"}[5s]))" \
    --data-urlencode "start=$start" --data-urlencode "end=$end" --data-urlencode "step=1" > "$work/q$q.json"
done
python3 - "$work" "$start" <<'PY'
import json, sys
work, start = sys.argv[1], int(sys.argv[2])
series = {}
for q in ("0.5", "0.9", "0.99"):
    result = json.load(open(f"{work}/q{q}.json"))["data"]["result"]
    series[q] = {int(float(t)) - start: float(v) for t, v in (result[0]["values"] if result else []) if v not in ("NaN", "+Inf")}
with open(f"{work}/quantiles.dat", "w") as out:
    for t in sorted(set().union(*series.values())):
        out.write(f"{t} " + " ".join(str(series[q].get(t, "NaN")) for q in ("0.5", "0.9", "0.99")) + "\n")
PY
gnuplot <<GP
set terminal pngcairo size 960,480 font "DejaVu Sans,11" noenhanced
set output "$root/docs/metrics-runqlat.png"
set title "runqlat run-queue latency: histogram_quantile over ebpm_histogram_bucket, from Prometheus"
set xlabel "seconds"
set ylabel "latency (usecs, log scale)"
set logscale y
set grid
set key top left
set object 1 rect from $phase, graph 0 to $(( phase * 2 )), graph 1 fillcolor rgb "#f3e5d8" fillstyle solid noborder behind
set label 1 "$(( $(nproc) * 2 )) busy shells" at $(( phase + 2 )), graph 0.95
plot "$work/quantiles.dat" using 1:2 with lines lw 2 title "p50", \
     "" using 1:3 with lines lw 2 title "p90", \
     "" using 1:4 with lines lw 2 title "p99"
GP
echo "plot: wrote docs/metrics-runqlat.png" >&2
