#!/usr/bin/env bash
# Sets up the machine and runs every test (real kernel, real servers on loopback), then checks that the tests left
# the checkout as they found it: builds, fixtures and signatures go to ignored or temporary directories, never over
# tracked files (on a clean checkout, as CI's, `git status --porcelain` stays empty); last, builds the release and
# installs its .deb (scripts/release.sh, scripts/release-check.sh).
set -euo pipefail
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then exec sudo -E "$0" "$@"; fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
checkout() { git -c safe.directory="$root" -C "$root" status --porcelain 2>/dev/null && git -c safe.directory="$root" -C "$root" diff 2>/dev/null | sha256sum; }
before="$(checkout || true)"
mvn -B -ntp verify "$@"
after="$(checkout || true)"
if [ "$before" != "$after" ]; then
  echo "test.sh: the tests changed the checkout; git status --porcelain before and after:" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
# the release a user installs without Maven or a JDK: built, installed with dpkg, used with neither on the PATH
"$root/scripts/release.sh"
"$root/scripts/release-check.sh"
