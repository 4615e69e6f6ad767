#!/usr/bin/env bash
# Builds app.wasm: the BPF object (clang -target bpf, CO-RE against this kernel's vmlinux.h), then
# a C header holding its bytes (xxd -i, as wasm-bpf's generated skeletons embed the object), then
# the WASI program. OUT=dir puts everything there (default: this directory).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# intermediates go to OUT (default .output/, which `ebpm pack` leaves out); app.wasm to OUT if given, else here
out="${OUT:-$here/.output}"; mkdir -p "$out"
app="${OUT:+$OUT/app.wasm}"; app="${app:-$here/app.wasm}"
sysroot="${WASI_SYSROOT:-}"
if [ -z "$sysroot" ]; then
  # Debian's wasi-libc: headers in /usr/include/wasm32-wasi, libraries in /usr/lib/wasm32-wasi
  for d in /usr/share/wasi-sysroot /usr; do
    if [ -f "$d/include/wasm32-wasi/stdio.h" ] || [ -f "$d/include/stdio.h" ] && [ -f "$d/lib/wasm32-wasi/libc.a" ]; then sysroot="$d"; break; fi
  done
fi
[ -n "$sysroot" ] || { echo "build.sh: no wasi-libc sysroot found (apt-get install wasi-libc, or set WASI_SYSROOT)" >&2; exit 1; }
[ -f "$out/vmlinux.h" ] || bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$out/vmlinux.h"
clang -target bpf -g -O2 -D__TARGET_ARCH_x86 -I"$out" -c "$here/sigsnoop.bpf.c" -o "$out/sigsnoop.bpf.o"
# xxd names the array after the file: unsigned char sigsnoop_bpf_o[]; unsigned int sigsnoop_bpf_o_len;
(cd "$out" && xxd -i sigsnoop.bpf.o > sigsnoop.bpf.h)
clang --target=wasm32-wasi --sysroot="$sysroot" -O2 -I"$here" -I"$out" \
  -Wl,--export-table -Wl,--strip-debug \
  -o "$app" "$here/app.c"
echo "$app"
