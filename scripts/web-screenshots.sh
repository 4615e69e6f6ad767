#!/usr/bin/env bash
# Takes the screenshots docs/web.md shows: runs the hub pages' browser test (headless chromium) with docs/web/ as a
# second place for its screenshots (they are always in registry-server-mock/target/screenshots/).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -ntp verify -pl registry-server-mock -am -Dtest=HubPagesBrowserTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Debpm.screenshots.docs="$root/docs/web"
chmod 644 "$root"/docs/web/*.png
ls -l "$root"/docs/web/*.png
