#!/usr/bin/env bash
# OCI registries, against Debian's docker-registry (distribution 2.8) on loopback, one run:
#  1. `ebpm pull` of a 50 MB artifact (ebpm's own, into a fresh store: download, verify, unpack, store with fsync) vs
#     `skopeo copy` of the same artifact to a local directory (download, verify, write): ratio skopeo/ebpm (goal >= 1.0),
#     for the ebpm CLI (a JVM per run) and for the same pull through the Java API in a warm JVM
#  2. `ebpm install team/x@^1` from a registry hub whose repository has 1,000 tags vs `ebpm install REGISTRY/team/x:1.999.0`
#     (the exact tag, no tag list): ratio range/exact (goal < 2)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
mb=${MB:-50}; runs=${RUNS:-7}
for tool in docker-registry skopeo hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "bench/oci: $tool is missing (scripts/setup.sh installs it; hyperfine: apt-get install hyperfine)" >&2; exit 1; }
done
out="$root/bench/.out/oci"; rm -rf "$out"; mkdir -p "$out"
need_ebpm_jar
javac -d "$out/classes" -cp "$jar" "$here/OciBench.java"
cp="$out/classes:$jar"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$out/registry.yml" <<CONF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $out/registry}}
http: {addr: 127.0.0.1:$port}
CONF
docker-registry serve "$out/registry.yml" >"$out/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
reg="127.0.0.1:$port"
java -cp "$cp" OciBench prepare "$reg" "$out/prepare" "$mb"
ebpm="java -jar $jar"
big="$reg/bench/big:1.0.0"
size=$(skopeo inspect --raw --tls-verify=false "docker://$big" | python3 -c 'import json,sys; print(sum(l["size"] for l in json.load(sys.stdin)["layers"]))')
tags=$(curl -sf "http://$reg/v2/team/x/tags/list?n=5000" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["tags"]))')

median() { python3 -c "import json,sys; print(json.load(open('$1'))['results'][0]['median'])"; }
hyperfine -N --warmup 1 --runs "$runs" --prepare "rm -rf $out/skopeo-dir" --export-json "$out/skopeo.json" \
  "skopeo copy --src-tls-verify=false docker://$big dir:$out/skopeo-dir" >/dev/null
hyperfine -N --warmup 1 --runs "$runs" --prepare "rm -rf $out/pull-store" --export-json "$out/pull.json" \
  "$ebpm pull -q --allow-unsigned --store $out/pull-store $big" >/dev/null
skopeo_s=$(median "$out/skopeo.json"); cli_s=$(median "$out/pull.json")
api_s=$(java -cp "$cp" OciBench pull "$big" "$runs" "$out/api-pull")
awk -v s="$skopeo_s" -v c="$cli_s" -v a="$api_s" -v n="$size" 'BEGIN {
  printf "pull of a %.1f MB artifact from docker-registry 2.8 on loopback (medians of runs)\n", n / 1e6
  printf "  skopeo copy docker:// dir: (baseline)         %7.3f s\n", s
  printf "  ebpm pull, CLI (JVM start included)          %7.3f s   ratio skopeo/ebpm %.2f\n", c, s / c
  printf "  ebpm pull, Java API in a warm JVM            %7.3f s   ratio skopeo/ebpm %.2f\n", a, s / a }'

store="$out/install-store"
hyperfine -N --runs "$runs" --prepare "sh -c 'rm -rf $store && $ebpm hub add team oci://$reg/team --type oci --store $store >/dev/null'" \
  --export-json "$out/range.json" "$ebpm install -q --allow-unsigned --store $store team/x@^1" >/dev/null
hyperfine -N --runs "$runs" --prepare "rm -rf $store" --export-json "$out/exact.json" \
  "$ebpm install -q --allow-unsigned --store $store $reg/team/x:1.999.0" >/dev/null
range_s=$(median "$out/range.json"); exact_s=$(median "$out/exact.json")
api_range=$(java -cp "$cp" OciBench install "team/x@^1" "$runs" "$out/api-range" team "oci://$reg/team")
api_exact=$(java -cp "$cp" OciBench install "$reg/team/x:1.999.0" "$runs" "$out/api-exact")
awk -v r="$range_s" -v e="$exact_s" -v ar="$api_range" -v ae="$api_exact" -v t="$tags" 'BEGIN {
  printf "install from a repository with %d tags (medians of runs)\n", t
  printf "  CLI:  team/x@^1 %7.3f s   exact tag %7.3f s   ratio %.2f\n", r, e, r / e
  printf "  API:  team/x@^1 %7.3f s   exact tag %7.3f s   ratio %.2f\n", ar, ae, ar / ae }'
