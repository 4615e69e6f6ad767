#!/usr/bin/env bash
# What a page costs the hub, against its JSON index (precomputed bytes) on the same server, in the same run (wrk):
#  - a package page: rendered once, then kept until a publish, a yank or a download of the package changes it;
#  - a search page: rendered for every request (ranking, list), as a page no cache helps would be.
# They are measured in alternating rounds (ROUNDS, default 3) and the medians compared, so load from elsewhere on the
# machine does not land on one side only. Prints req/s, bytes per answer and each page's ratio to the index.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
duration=${DURATION:-5s}; conns=${CONNS:-32}; rounds=${ROUNDS:-3}
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench/web: $tool is missing: apt-get install -y wrk curl python3" >&2; exit 1; }
done
out="$root/bench/.out/web"; rm -rf "$out"; mkdir -p "$out"
cp_file="$out/classpath.txt"
(cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl registry-server-mock -am package \
   dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime) >&2
cp="$root/registry-server-mock/target/classes:$root/web-pages/target/classes:$root/package-format/target/classes:$(cat "$cp_file")"
javac -d "$out/classes" -cp "$cp" "$here/WebBench.java"
page=$(java -cp "$out/classes:$cp" WebBench prepare "$out/data" "$root")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -cp "$cp" dev.ebpm.hub.HubMain serve --port "$port" --data "$out/data" >"$out/hub.log" 2>&1 &
hub_pid=$!
trap 'kill $hub_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.json" && break; sleep 0.1; done
base="http://127.0.0.1:$port"
curl -sf "$base$page" -o "$out/page.html"; curl -sf "$base/index.json" -o "$out/index.json"
grep -q 'id="readme"' "$out/page.html" || { echo "bench/web: $page has no README" >&2; exit 1; }

search="/search?q=snoop"
curl -sf "$base$search" -o "$out/search.html"

# warm the JIT before measuring
for p in "$page" "$search" /index.json; do wrk -t2 -c"$conns" -d2s "$base$p" >/dev/null; done

measure() { # url -> "req/s errors"
  local r; r=$(wrk -t2 -c"$conns" -d"$duration" "$1")
  echo "$r" >>"$out/wrk.log"
  local rps errs non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$r")
  errs=$(awk '/Socket errors/ {gsub(",",""); s=0; for (i=4;i<=NF;i+=2) s+=$i; print s}' <<<"$r")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$r")
  echo "$rps $(( ${errs:-0} + ${non2xx:-0} ))"
}
median() { tr ' ' '\n' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
declare -A all=() errs=()
for _ in $(seq "$rounds"); do
  for p in "$page" "$search" /index.json; do
    read -r rps err < <(measure "$base$p"); all[$p]="${all[$p]:-} $rps"; errs[$p]=$(( ${errs[$p]:-0} + err ))
  done
done
index_rps=$(echo ${all[/index.json]} | median)
echo "hub pages, wrk -t2 -c$conns -d$duration on loopback (2 cores shared by server and wrk), median of $rounds alternating rounds"
for what in "$page:$out/page.html:package page (kept rendered)" "$search:$out/search.html:search page (rendered each time)" \
            "/index.json:$out/index.json:index.json"; do
  IFS=: read -r p file label <<<"$what"
  rps=$(echo ${all[$p]} | median)
  awk -v l="$label" -v p="$p" -v r="$rps" -v e="${errs[$p]}" -v s="$(stat -c %s "$file")" -v i="$index_rps" 'BEGIN {
    printf "  %-34s %-20s %9.0f req/s (%d errors) %7d bytes   ratio to index.json %.2f\n", l, p, r, e, s, r / i }'
done
