#!/usr/bin/env bash
# Runs every benchmark; each prints its native/standard baseline and the ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for b in "$here"/*/run.sh; do
  [ "$(basename "$(dirname "$b")")" = lifecycle ] && continue   # bench/startup runs it, for its rows of the table
  echo "== $(basename "$(dirname "$b")")"
  "$b"
done
