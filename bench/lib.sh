# Shared steps of the bench/*/run.sh scripts; source it after setting $root.

# The CLI's shaded jar, built once if missing. Sets $jar.
need_ebpm_jar() {
  jar="$root/ebpm-cli/target/ebpm.jar"
  [ -f "$jar" ] || (cd "$root" && mvn -q -B -DskipTests package -pl ebpm-cli -am)
}

# bpf_object SRC OUT_DIR: compiles a .bpf.c against the running kernel's vmlinux.h (made once per
# OUT_DIR) into OUT_DIR/NAME.bpf.o; mounts tracefs first, which the tracepoint benches attach through.
bpf_object() {
  local src="$1" dir="$2"
  mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
  [ -f "$dir/vmlinux.h" ] || bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$dir/vmlinux.h"
  clang -target bpf -g -O2 -D__TARGET_ARCH_x86 -I"$dir" -c "$src" -o "$dir/$(basename "$src" .c).o"
}
