#!/usr/bin/env bash
# Perf buffer throughput: ebpm's Java reader vs libbpf's perf_buffer__consume, same object, same
# samples, one run. Both are pinned to CPU 0 so the fill lands in one per-CPU buffer; the drain of
# that full buffer is timed (best of rounds). Prints both rates and the ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
pages=${PAGES:-8192}; triggers=${TRIGGERS:-600}; rounds=${ROUNDS:-15}
out="$root/bench/.out/perfbuf"; mkdir -p "$out"
need_ebpm_jar
bpf_object "$here/perfbench.bpf.c" "$out"
gcc -O2 -o "$out/consumer" "$here/consumer.c" -lbpf
javac -d "$out/classes" -cp "$jar" "$here/PerfBench.java"
read -r n_native t_native l_native < <("$out/consumer" "$out/perfbench.bpf.o" "$pages" "$triggers" "$rounds")
read -r n_java t_java l_java < <(taskset -c 0 java -cp "$out/classes:$jar" PerfBench "$out/perfbench.bpf.o" "$pages" "$triggers" "$rounds")
awk -v n="$n_native" -v tn="$t_native" -v ln="$l_native" -v j="$n_java" -v tj="$t_java" -v lj="$l_java" -v p="$pages" 'BEGIN {
  rn = n / tn; rj = j / tj;
  printf "drain of %d 32-byte samples from one CPU'\''s %d-page perf buffer (best of rounds)\n", n, p;
  printf "  native C (libbpf perf_buffer__consume): %8.1f M events/s (%d lost)\n", rn / 1e6, ln;
  printf "  ebpm Java (PerfBufferReader.drain):     %8.1f M events/s (%d lost)\n", rj / 1e6, lj;
  printf "  ratio java/native: %.2f\n", rj / rn;
}'
