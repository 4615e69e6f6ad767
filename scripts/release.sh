#!/usr/bin/env bash
# Builds what a user installs without Maven or a JDK, into dist/:
#   ebpm-VERSION-linux-ARCH.tar.xz  a self-contained tree: bin/ebpm, a jlink'd Java runtime with only the modules ebpm
#                                   uses (and its class-data archive), lib/ebpm.jar slimmed to this platform (jffi's
#                                   native library for it alone, the bouncycastle classes ebpm reaches) with SQLite's
#                                   native library beside it, the embedded examples prebuilt and signed with the release
#                                   key, the built-in keys file that trusts it; share/ the shell completions (bash, zsh,
#                                   fish) and a man page per command; lib/systemd/system/ebpm.service
#   ebpm_VERSION_ARCH.deb           the same tree under /usr/lib/ebpm, /usr/bin/ebpm, the completions and man pages under
#                                   /usr/share, the daemon's unit in /lib/systemd/system (not enabled); depends on libbpf1
# The release key: $EBPM_RELEASE_KEY (an ebpm secret key file; with $EBPM_RELEASE_KEY_PASSPHRASE_FILE if sealed),
# else a key made for this build in build/release/release.key (fine for CI, not for publishing).
# Needs, besides the JDK and Maven: asciidoctor (the man pages), python3, xz, dpkg-deb (scripts/setup.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)
arch=$(dpkg --print-architecture)
case "$arch" in
  amd64) sqlite_platform=Linux/x86_64; jffi_platform=x86_64-Linux; uname_arch=x86_64 ;;
  arm64) sqlite_platform=Linux/aarch64; jffi_platform=aarch64-Linux; uname_arch=aarch64 ;;
  *) echo "release: no native libraries chosen for $arch" >&2; exit 1 ;;
esac
work="$root/build/release"; stage="$work/ebpm-$version-linux-$uname_arch"; dist="$root/dist"
rm -rf "$stage" "$work/deb"; mkdir -p "$stage"/{bin,lib} "$dist"

echo "release: building the jar" >&2
mvn -q -B -ntp -DskipTests package -pl ebpm-cli -am
python3 "$root/scripts/release/slim_jar.py" ebpm-cli/target/ebpm.jar "$stage/lib/ebpm.jar" "$jffi_platform"
# SQLite's native library as a file the launcher names (org.sqlite.lib.path), not extracted into /tmp on every start
cp "ebpm-cli/target/native/org/sqlite/native/$sqlite_platform/libsqlitejdbc.so" "$stage/lib/"
cp ebpm-cli/src/main/resources/dev/ebpm/cli/lifecycle/daemon-jvm.flags "$stage/lib/"

# the modules jdeps finds, less java.desktop (only Jackson's optional java.beans support and Jetty's unused leak
# preventers touch it), plus jdk.crypto.ec (TLS to https hubs and registries negotiates EC keys)
modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps "$stage/lib/ebpm.jar" | tr ',' '\n' \
  | grep -vx java.desktop | paste -sd, -),jdk.crypto.ec
echo "release: jlink $modules" >&2
# uncompressed: the .deb and the tarball are xz'd whole, which packs the module image far better than jlink's zip
# (12 MiB against 20 MiB for the runtime), and the runtime reads its classes without inflating them
# --generate-cds-archive: the runtime's own class-data archive (lib/server/classes.jsa), which a jlink'd image otherwise
# lacks: the JDK's classes are then mapped at start, not loaded and verified again
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=0 --generate-cds-archive \
  --output "$stage/runtime"
# the archive for heaps of 32 GiB and more (no compressed oops): ebpm never runs one, and it is 10 MiB
rm -f "$stage/runtime/lib/server/classes_nocoops.jsa"
# the classes ebpm's quick commands load, by the build's training run (src/build/jvm-cache.sh) with this runtime: an
# archive of them records the jar's absolute path, so it is made where the jar is installed (the .deb's postinst)
rm -rf "$work/jvm-cache"
EBPM_JAVA="$stage/runtime/bin/java" bash ebpm-cli/src/build/jvm-cache.sh "$stage/lib/ebpm.jar" "$root" "$work/jvm-cache" 2>/dev/null
[ -s "$work/jvm-cache/classes.lst" ] && cp "$work/jvm-cache/classes.lst" "$stage/lib/"

cat > "$stage/bin/ebpm" <<'LAUNCHER'
#!/bin/sh
# ebpm from a release: its own Java runtime, its examples and the keys that vouch for them. Start-up as ./ebpm in a
# checkout (docs/lifecycle.md, "Start-up"): SQLite's library from lib/, the class-data archive if the installation
# made one (lib/ebpm.jsa), the quick JIT alone for commands that end in a moment, the daemon's small JVM for the daemon.
here=$(dirname "$(dirname "$(readlink -f "$0")")")
lib="$here/lib"
flags="-XX:+UseSerialGC"
case "${1:-}" in
  daemon) flags=$(cat "$lib/daemon-jvm.flags") ;;
  run) quick=
    shift; for a in "$@"; do case "$a" in -d|--detach) quick=1; break ;; -*) ;; *) break ;; esac; done; set -- run "$@"
    [ -n "$quick" ] && flags="$flags -XX:TieredStopAtLevel=1" ;;
  hub|build|logs|"") ;;
  *) flags="$flags -XX:TieredStopAtLevel=1" ;;
esac
[ -f "$lib/ebpm.jsa" ] && flags="$flags -XX:SharedArchiveFile=$lib/ebpm.jsa -Xshare:auto -Xlog:cds=off -Xlog:cds+dynamic=off"
# shellcheck disable=SC2086 # word splitting of the flags is meant
exec "$here/runtime/bin/java" $flags ${EBPM_JAVA_OPTS:-} -Dorg.sqlite.lib.path="$lib" -Dorg.sqlite.lib.name=libsqlitejdbc.so \
  -Debpm.examples="$here/examples" -Debpm.trust.builtin="$here/builtin-keys" -jar "$lib/ebpm.jar" "$@"
LAUNCHER
chmod 755 "$stage/bin/ebpm"

"$root/scripts/release/examples.sh" "$stage"

echo "release: completions and man pages" >&2
share="$stage/share"
mkdir -p "$share/bash-completion/completions" "$share/zsh/vendor-completions" "$share/fish/vendor_completions.d" "$share/man/man1"
"$stage/bin/ebpm" completion bash > "$share/bash-completion/completions/ebpm"
"$stage/bin/ebpm" completion zsh > "$share/zsh/vendor-completions/_ebpm"
"$stage/bin/ebpm" completion fish > "$share/fish/vendor_completions.d/ebpm.fish"
picocli=$(sed -n 's|.*<picocli.version>\(.*\)</picocli.version>.*|\1|p' pom.xml)
# Debian's Maven prints colour resets even in batch mode
mvn -q -B -ntp dependency:copy -Dartifact="info.picocli:picocli-codegen:$picocli" -DoutputDirectory="$work/tools" 2>&1 \
  | sed 's/\x1b\[0m//g' >&2
rm -rf "$work/man"
java -cp "$stage/lib/ebpm.jar:$work/tools/picocli-codegen-$picocli.jar" "$root/scripts/release/ManPages.java" "$work/man"
asciidoctor -b manpage -a mansource="ebpm $version" -a manmanual="ebpm Manual" -a reproducible -D "$share/man/man1" "$work/man"/*.adoc
gzip -9n "$share/man/man1"/*.1
mkdir -p "$stage/lib/systemd/system"
cp ebpm-daemon/ebpm.service "$stage/lib/systemd/system/"

tarball="$dist/ebpm-$version-linux-$uname_arch.tar.xz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -cf - "$(basename "$stage")" | xz -9 -T0 > "$tarball"

pkg="$work/deb"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib" "$pkg/usr/bin" "$pkg/lib/systemd/system"
cp -a "$stage" "$pkg/usr/lib/ebpm"
mv "$pkg/usr/lib/ebpm/share" "$pkg/usr/share"
rm -r "$pkg/usr/lib/ebpm/lib/systemd"
sed 's|^ExecStart=/usr/local/bin/ebpm |ExecStart=/usr/bin/ebpm |' ebpm-daemon/ebpm.service > "$pkg/lib/systemd/system/ebpm.service"
grep -q '^ExecStart=/usr/bin/ebpm daemon' "$pkg/lib/systemd/system/ebpm.service" || { echo "release: ebpm.service has no ExecStart to rewrite" >&2; exit 1; }
ln -s ../lib/ebpm/bin/ebpm "$pkg/usr/bin/ebpm"
# the class-data archive of ebpm's own classes, made where they are installed (it records the jar's path); not
# systemctl enable: whoever wants the daemon at boot enables it (docs/lifecycle.md)
cat > "$pkg/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
lib=/usr/lib/ebpm/lib
if [ "$1" = configure ] && [ -f $lib/classes.lst ]; then
  rm -f $lib/ebpm.jsa
  /usr/lib/ebpm/runtime/bin/java -Xshare:dump -XX:SharedClassListFile=$lib/classes.lst -XX:SharedArchiveFile=$lib/ebpm.jsa \
    -cp $lib/ebpm.jar >/dev/null 2>&1 || rm -f $lib/ebpm.jsa
fi
POSTINST
cat > "$pkg/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
rm -f /usr/lib/ebpm/lib/ebpm.jsa
PRERM
chmod 755 "$pkg/DEBIAN/postinst" "$pkg/DEBIAN/prerm"
size=$(du -sk "$pkg/usr" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: ebpm
Version: $version
Architecture: $arch
Depends: libbpf1
Installed-Size: $size
Maintainer: ebpm developers <dev@ebpm.dev>
Section: admin
Priority: optional
Homepage: https://github.com/ebpm/ebpm
Description: package manager for eBPF programs
 Installs eBPF and WASM packages from eBPF hubs, verifies and caches them in a
 local store, and runs them through the system's libbpf, the way eunomia-bpf's
 ecli does. Ships its own Java runtime.
CONTROL
deb="$dist/ebpm_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >/dev/null
ls -l "$tarball" "$deb" | awk '{printf "release: %s (%.1f MiB)\n", $NF, $5 / 1048576}' >&2
