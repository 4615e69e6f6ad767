#!/usr/bin/env bash
# Hub benchmarks, one run, same bytes on both sides:
#  1. throughput (wrk) of the ebpm hub vs nginx on the index document and a small blob: req/s, errors, ratio (goal >= 0.5);
#     hub and nginx are measured in alternating rounds (ROUNDS, default 3) and the medians compared, so a burst of
#     load from elsewhere on the machine does not land on one side only
#  2. download of a 50 MB package: ebpm's Downloader (streams, hashes, verifies, writes a file) vs curl writing the
#     same blob to a file, both from the ebpm hub: ratio of throughput (goal >= 0.8)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
duration=${DURATION:-5s}; conns=${CONNS:-32}; mb=${MB:-50}; runs=${RUNS:-7}; rounds=${ROUNDS:-3}
for tool in wrk nginx curl hyperfine; do
  command -v "$tool" >/dev/null || { echo "bench/hub: $tool is missing: apt-get install -y nginx wrk curl hyperfine" >&2; exit 1; }
done
out="$root/bench/.out/hub"; rm -rf "$out"; mkdir -p "$out"
cp_file="$out/classpath.txt"
(cd "$root" && mvn -q -B -Dstyle.color=never -DskipTests -pl registry-client,registry-server-mock -am package \
   dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test) >&2
cp="$root/registry-client/target/classes:$root/registry-server-mock/target/classes:$root/package-format/target/classes:$(cat "$cp_file")"
javac -d "$out/classes" -cp "$cp" "$here/HubBench.java"
cp="$out/classes:$cp"

read -r small big big_size < <(java -cp "$cp" HubBench prepare "$out/data" "$out/www" "$mb")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hub_port=$(free_port); nginx_port=$(free_port)
java -cp "$cp" dev.ebpm.hub.HubMain serve --port "$hub_port" --data "$out/data" --max-connections "${MAX_CONNECTIONS:-1024}" >"$out/hub.log" 2>&1 &
hub_pid=$!
mkdir -p "$out/nginx/logs"
cat >"$out/nginx/nginx.conf" <<CONF
worker_processes auto;
error_log $out/nginx/logs/error.log;
pid $out/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  client_body_temp_path $out/nginx/body; proxy_temp_path $out/nginx/proxy;
  fastcgi_temp_path $out/nginx/fcgi; uwsgi_temp_path $out/nginx/uwsgi; scgi_temp_path $out/nginx/scgi;
  types { application/json json; }
  default_type application/gzip;
  server { listen 127.0.0.1:$nginx_port; root $out/www; etag on; }
}
CONF
nginx -c "$out/nginx/nginx.conf" -p "$out/nginx" -g 'daemon off;' &
nginx_pid=$!
trap 'kill $hub_pid $nginx_pid 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for p in "$hub_port" "$nginx_port"; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$p/index.json" && break; sleep 0.1; done
done
cmp <(curl -sf "http://127.0.0.1:$hub_port/index.json") "$out/www/index.json"
cmp <(curl -sf "http://127.0.0.1:$hub_port/blobs/sha256/$small") <(curl -sf "http://127.0.0.1:$nginx_port/blobs/sha256/$small")

# warm the JIT before measuring
wrk -t2 -c"$conns" -d2s "http://127.0.0.1:$hub_port/index.json" >/dev/null
wrk -t2 -c"$conns" -d2s "http://127.0.0.1:$hub_port/blobs/sha256/$small" >/dev/null

measure() { # url -> "req/s errors"
  local r; r=$(wrk -t2 -c"$conns" -d"$duration" "$1")
  echo "$r" >>"$out/wrk.log"
  local rps errs non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$r")
  errs=$(awk '/Socket errors/ {gsub(",",""); s=0; for (i=4;i<=NF;i+=2) s+=$i; print s}' <<<"$r")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$r")
  echo "$rps $(( ${errs:-0} + ${non2xx:-0} ))"
}
index_size=$(stat -c %s "$out/www/index.json"); small_size=$(stat -c %s "$out/www/blobs/sha256/$small")
median() { tr ' ' '\n' | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "throughput, wrk -t2 -c$conns -d$duration on loopback (2 cores shared by server and wrk), median of $rounds alternating rounds"
for what in "index.json:index.json ($index_size B)" "blobs/sha256/$small:small blob ($small_size B)"; do
  path=${what%%:*}; label=${what#*:}
  hub_all=""; ngx_all=""; hub_err=0; ngx_err=0
  for _ in $(seq "$rounds"); do
    read -r rps err < <(measure "http://127.0.0.1:$hub_port/$path"); hub_all="$hub_all $rps"; hub_err=$((hub_err + err))
    read -r rps err < <(measure "http://127.0.0.1:$nginx_port/$path"); ngx_all="$ngx_all $rps"; ngx_err=$((ngx_err + err))
  done
  hub_rps=$(echo $hub_all | median); ngx_rps=$(echo $ngx_all | median)
  awk -v l="$label" -v h="$hub_rps" -v he="$hub_err" -v n="$ngx_rps" -v ne="$ngx_err" 'BEGIN {
    printf "  %-26s ebpm hub %9.0f req/s (%d errors)   nginx %9.0f req/s (%d errors)   ratio %.2f\n", l, h, he, n, ne, h / n }'
done

url="http://127.0.0.1:$hub_port/blobs/sha256/$big"
java_s=$(java -cp "$cp" HubBench download "$url" "$big" "$big_size" "$runs")
hyperfine -N --warmup 2 --runs "$runs" --export-json "$out/curl.json" "curl -sf -o $out/curl.bin $url" >/dev/null
curl_s=$(python3 -c "import json,sys; print(json.load(open('$out/curl.json'))['results'][0]['median'])")
cmp "$out/curl.bin" "$out/www/blobs/sha256/$big"
awk -v j="$java_s" -v c="$curl_s" -v n="$big_size" 'BEGIN {
  printf "download of a %.1f MB package from the ebpm hub (median of runs)\n", n / 1e6;
  printf "  ebpm Downloader (hash + verify + file): %7.3f s = %7.1f MB/s\n", j, n / j / 1e6;
  printf "  curl -o FILE (hyperfine):               %7.3f s = %7.1f MB/s\n", c, n / c / 1e6;
  printf "  ratio ebpm/curl: %.2f\n", c / j }'
