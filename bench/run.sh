#!/usr/bin/env bash
# Runs every benchmark; each prints its native/standard baseline and the ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for b in "$here"/*/run.sh; do
  echo "== $(basename "$(dirname "$b")")"
  "$b"
done
