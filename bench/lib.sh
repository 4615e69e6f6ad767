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

# ebpm_jvm_flags JAVA [COMMAND]: the JVM flags ./ebpm starts COMMAND (not daemon; run-d for run -d) with on JAVA (keep
# in step with the launcher): SQLite's native library as the build unpacked it, the build's JVM cache if it was made
# for JAVA, and the quick JIT for commands that end in a moment.
ebpm_jvm_flags() {
  local java=$1 cmd=${2:-} cache="$root/ebpm-cli/target/jvm-cache"
  echo "-Dorg.sqlite.lib.path=$root/ebpm-cli/target/native/org/sqlite/native/Linux/$HOSTTYPE -Dorg.sqlite.lib.name=libsqlitejdbc.so"
  if [ -f "$cache/flags" ] && [ "$(cat "$cache/java")" = "$(readlink -f "$(command -v "$java")")" ]; then
    cat "$cache/flags"
  fi
  case "$cmd" in run-d) echo "-XX:TieredStopAtLevel=1" ;; run|daemon|hub|build|logs|"") ;; *) echo "-XX:TieredStopAtLevel=1" ;; esac
}
