#!/usr/bin/env bash
# Installs the .deb scripts/release.sh built (dpkg -i, as root) and uses it as a user without Maven or a JDK would:
# with a PATH that holds no java and no mvn, `ebpm --version`, `ebpm install sigsnoop` from the embedded examples
# (signed at release time), `ebpm run sigsnoop --duration 2` with a signal sent meanwhile, whose event must show.
# Then what the package puts around the command: `man ebpm-install`, bash completion that offers the installed package,
# the zsh and fish completions, the daemon's systemd unit (installed, not enabled).
# The store and configuration are a temporary directory's, so the machine's own are not touched.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
deb=$(ls "$root"/dist/ebpm_*.deb | head -1)
# one dpkg at a time (dpkg does not wait for its lock): test runs of several checkouts on one machine share it
flock /tmp/ebpm-release-check.lock dpkg -i "$deb" >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
for t in sh bash readlink dirname sleep kill cat seq; do ln -s "$(command -v "$t")" "$work/bin/$t"; done
ln -s /usr/bin/ebpm "$work/bin/ebpm"
user() { env -i PATH="$work/bin" HOME="$work/home" EBPM_HOME="$work/store" EBPM_CONFIG_DIR="$work/config" EBPM_CACHE_DIR="$work/cache" "$@"; }
if user sh -c 'command -v java || command -v mvn' >/dev/null; then echo "release-check: java or mvn is on the test PATH" >&2; exit 1; fi
user ebpm --version
user ebpm install sigsnoop
user ebpm list
# a signal a moment after the programs are attached; its event (pid of the signalled sleep) must be printed
user sh -c 'sleep 30 & target=$!; (sleep 1.5; kill -USR1 $target) & ebpm run sigsnoop --duration 3 --json; kill $target 2>/dev/null || true' > "$work/events" 2> "$work/err"
grep -q '"sig":10' "$work/events" || { echo "release-check: no SIGUSR1 event from the installed ebpm:" >&2; cat "$work/err" "$work/events" >&2; exit 1; }
grep -q 'sigsnoop running (6 programs attached)' "$work/err"
MANPAGER=cat MANWIDTH=100 man ebpm-install 2>/dev/null | grep -q '^ *ebpm install \[' \
  || { echo "release-check: man ebpm-install does not render its synopsis" >&2; exit 1; }
[ -s /usr/share/zsh/vendor-completions/_ebpm ] && [ -s /usr/share/fish/vendor_completions.d/ebpm.fish ] \
  || { echo "release-check: no zsh or fish completion installed" >&2; exit 1; }
# bash as it completes `ebpm run s<TAB>`: the installed completion asks the installed ebpm for the store's packages
offers=$(user bash -c 'source /usr/share/bash-completion/completions/ebpm; COMP_WORDS=(ebpm run s); COMP_CWORD=2
  _complete_ebpm ebpm s run 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"')
[ "$offers" = sigsnoop ] || { echo "release-check: bash completion of 'ebpm run s' offered: $offers" >&2; exit 1; }
grep -q '^ExecStart=/usr/bin/ebpm daemon' /lib/systemd/system/ebpm.service \
  || { echo "release-check: /lib/systemd/system/ebpm.service missing or not running /usr/bin/ebpm daemon" >&2; exit 1; }
echo "release-check: $(basename "$deb") installed; install and run work with no JDK or Maven on the PATH; man page, completions and unit in place" >&2
