#!/usr/bin/env bash
# Sets up the machine and runs every test (real kernel, real servers on loopback), then fuzzes each parser for a
# bounded time (scripts/fuzz.sh; EBPM_FUZZ=0 skips it).
set -euo pipefail
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then exec sudo -E "$0" "$@"; fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
mvn -B -ntp verify "$@"
if [ "${EBPM_FUZZ:-1}" != 0 ]; then "$root/scripts/fuzz.sh"; fi
