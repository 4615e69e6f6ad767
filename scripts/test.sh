#!/usr/bin/env bash
# Sets up the machine and runs every test (real kernel, real servers on loopback).
set -euo pipefail
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then exec sudo -E "$0" "$@"; fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cd "$root"
mvn -B -ntp verify "$@"
