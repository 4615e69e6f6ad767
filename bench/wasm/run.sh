#!/usr/bin/env bash
# Events per second delivered into a WebAssembly guest's callback (wasm_bpf_buffer_poll on ebpm's
# WasmRunner, Chicory compiled and interpreted) against ebpm's Java reader (RingBufferReader) and
# libbpf's ring_buffer__consume in C, on bench/ringbuf's object: one getpid() fills the ring with
# EVENTS 32-byte events, each consumer drains it; best of ROUNDS. One run, all four figures.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
events=${EVENTS:-3000000}; rounds=${ROUNDS:-5}; irounds=${INTERP_ROUNDS:-2}
out="$root/bench/.out/wasm"; mkdir -p "$out"
# bpf-loader alone (its classes and dependencies) is all the three Java-side consumers need
if [ ! -f "$out/classpath" ] || [ ! -d "$root/bpf-loader/target/classes/dev/ebpm/loader/wasm" ]; then
  (cd "$root" && mvn -q -B -DskipTests package -pl bpf-loader -am \
    && mvn -q -B -pl bpf-loader dependency:build-classpath -Dmdep.outputFile="$out/classpath")
fi
jar="$root/bpf-loader/target/classes:$(cat "$out/classpath")"
bpf_object "$root/bench/ringbuf/ringbench.bpf.c" "$out"
(cd "$out" && xxd -i ringbench.bpf.o > ringbench.bpf.h)
clang --target=wasm32-wasi --sysroot="${WASI_SYSROOT:-/usr}" -O2 -I"$root/examples/sigsnoop-wasm" -I"$out" \
  -Wl,--export-table -o "$out/guest.wasm" "$here/guest.c"
gcc -O2 -o "$out/consumer" "$root/bench/ringbuf/consumer.c" -lbpf
javac -d "$out/classes" -cp "$jar" "$root/bench/ringbuf/RingBench.java" "$here/WasmBench.java"
read -r n_c t_c < <("$out/consumer" "$out/ringbench.bpf.o" "$events" "$rounds")
read -r n_j t_j < <(java -cp "$out/classes:$jar" RingBench "$out/ringbench.bpf.o" "$events" "$rounds")
read -r n_wc t_wc ms_wc < <(java -cp "$out/classes:$jar" WasmBench "$out/guest.wasm" "$events" "$rounds" compiled)
read -r n_wi t_wi ms_wi < <(java -cp "$out/classes:$jar" WasmBench "$out/guest.wasm" "$events" "$irounds" interpreted)
awk -v n="$events" -v tc="$t_c" -v tj="$t_j" -v twc="$t_wc" -v twi="$t_wi" -v mswc="$ms_wc" 'BEGIN {
  rc = n / tc; rj = n / tj; rwc = n / twc; rwi = n / twi;
  printf "drain of %d 32-byte events from a full ring buffer, delivered to a callback (best of rounds)\n", n;
  printf "  native C (libbpf ring_buffer__consume):        %9.2f M events/s\n", rc / 1e6;
  printf "  ebpm Java (RingBufferReader.drain):            %9.2f M events/s\n", rj / 1e6;
  printf "  WASM guest, Chicory compiled (%4d ms compile): %9.2f M events/s   %.3f of C, %.3f of Java\n", mswc, rwc / 1e6, rwc / rc, rwc / rj;
  printf "  WASM guest, Chicory interpreter:               %9.2f M events/s   %.4f of C, %.4f of Java\n", rwi / 1e6, rwi / rc, rwi / rj;
  printf "  compiled / interpreter: %.1fx\n", rwc / rwi;
}'
