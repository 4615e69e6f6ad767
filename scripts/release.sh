#!/usr/bin/env bash
# Builds what a user installs without Maven or a JDK, into dist/:
#   ebpm-VERSION-linux-ARCH.tar.xz  a self-contained tree: bin/ebpm, a jlink'd Java runtime with only the modules ebpm
#                                   uses, the jar slimmed to this platform (SQLite's and jffi's native libraries for it
#                                   alone, the bouncycastle classes ebpm reaches), the embedded examples prebuilt and
#                                   signed with the release key, the built-in keys file that trusts it
#   ebpm_VERSION_ARCH.deb           the same tree under /usr/lib/ebpm, /usr/bin/ebpm; depends on libbpf1
# The release key: $EBPM_RELEASE_KEY (an ebpm secret key file; with $EBPM_RELEASE_KEY_PASSPHRASE_FILE if sealed),
# else a key made for this build in build/release/release.key (fine for CI, not for publishing).
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
python3 "$root/scripts/release/slim_jar.py" ebpm-cli/target/ebpm.jar "$stage/lib/ebpm.jar" "$sqlite_platform" "$jffi_platform"

# the modules jdeps finds, less java.desktop (only Jackson's optional java.beans support and Jetty's unused leak
# preventers touch it), plus jdk.crypto.ec (TLS to https hubs and registries negotiates EC keys)
modules=$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps "$stage/lib/ebpm.jar" | tr ',' '\n' \
  | grep -vx java.desktop | paste -sd, -),jdk.crypto.ec
echo "release: jlink $modules" >&2
# uncompressed: the .deb and the tarball are xz'd whole, which packs the module image far better than jlink's zip
# (12 MiB against 20 MiB for the runtime), and the runtime reads its classes without inflating them
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=0 --output "$stage/runtime"

cat > "$stage/bin/ebpm" <<'LAUNCHER'
#!/bin/sh
# ebpm from a release: its own Java runtime, its examples and the keys that vouch for them.
here=$(dirname "$(dirname "$(readlink -f "$0")")")
exec "$here/runtime/bin/java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Debpm.examples="$here/examples" -Debpm.trust.builtin="$here/builtin-keys" -jar "$here/lib/ebpm.jar" "$@"
LAUNCHER
chmod 755 "$stage/bin/ebpm"

"$root/scripts/release/examples.sh" "$stage"

tarball="$dist/ebpm-$version-linux-$uname_arch.tar.xz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work" -cf - "$(basename "$stage")" | xz -9 -T0 > "$tarball"

pkg="$work/deb"
mkdir -p "$pkg/DEBIAN" "$pkg/usr/lib" "$pkg/usr/bin"
cp -a "$stage" "$pkg/usr/lib/ebpm"
ln -s ../lib/ebpm/bin/ebpm "$pkg/usr/bin/ebpm"
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
