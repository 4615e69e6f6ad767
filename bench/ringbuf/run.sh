#!/usr/bin/env bash
# Ring buffer throughput: ebpm's Java reader vs libbpf's ring_buffer__consume, same object, same
# events, one run. Prints both rates and the ratio (goal: Java >= 0.9 of native).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
events=${EVENTS:-3000000}; rounds=${ROUNDS:-9}
out="$root/bench/.out/ringbuf"; mkdir -p "$out"
need_ebpm_jar
bpf_object "$here/ringbench.bpf.c" "$out"
gcc -O2 -o "$out/consumer" "$here/consumer.c" -lbpf
javac -d "$out/classes" -cp "$jar" "$here/RingBench.java"
read -r n_native t_native < <("$out/consumer" "$out/ringbench.bpf.o" "$events" "$rounds")
read -r n_java t_java < <(java -cp "$out/classes:$jar" RingBench "$out/ringbench.bpf.o" "$events" "$rounds")
read -r n_live t_live drops < <(java -cp "$out/classes:$jar" RingBench "$out/ringbench.bpf.o" "$events" 1 live)
awk -v n="$n_native" -v tn="$t_native" -v j="$n_java" -v tj="$t_java" -v l="$n_live" -v tl="$t_live" -v d="$drops" 'BEGIN {
  rn = n / tn; rj = j / tj;
  printf "drain of %d 32-byte events from a full 128 MiB ring buffer (best of rounds)\n", n;
  printf "  native C (libbpf ring_buffer__consume): %8.1f M events/s\n", rn / 1e6;
  printf "  ebpm Java (RingBufferReader.drain):     %8.1f M events/s\n", rj / 1e6;
  printf "  ratio java/native: %.2f\n", rj / rn;
  printf "live run (producer thread + consumer): %d events in %.3f s = %.1f M events/s, %d dropped\n", l, tl, l / tl / 1e6, d;
}'
