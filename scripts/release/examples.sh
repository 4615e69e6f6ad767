#!/usr/bin/env bash
# examples.sh STAGE: the release's embedded examples, built from source and signed with the release key, and the
# built-in keys file that trusts that key for the examples hub (and nothing else).
set -euo pipefail
stage="$1"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/build/release"
key="${EBPM_RELEASE_KEY:-$work/keys/release.key}"
if [ ! -f "$key" ]; then
  [ -z "${EBPM_RELEASE_KEY:-}" ] || { echo "release: EBPM_RELEASE_KEY=$key: no such file" >&2; exit 1; }
  echo "release: no EBPM_RELEASE_KEY: making a key for this build only ($key); publish with your own" >&2
  EBPM_KEYS="$work/keys" java -jar "$root/ebpm-cli/target/ebpm.jar" key generate --name release --no-passphrase >/dev/null
fi
rm -rf "$stage/examples"; mkdir -p "$stage/examples"
line=$(java -cp "$root/ebpm-cli/target/ebpm.jar" "$root/scripts/release/SignExamples.java" \
  "$root/examples" "$stage/examples" "$work/cache" "$key" ${EBPM_RELEASE_KEY_PASSPHRASE_FILE:+"$EBPM_RELEASE_KEY_PASSPHRASE_FILE"})
printf '# keys this release trusts out of the box (docs/trust.md)\n%s\n' "$line" > "$stage/builtin-keys"
