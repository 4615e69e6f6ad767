#!/usr/bin/env bash
# Takes the screenshots docs/web.md shows: runs the browser tests (headless chromium) of the hub's pages and of the
# playground with docs/web/ as a second place for their screenshots (they are always in MODULE/target/screenshots/).
# The playground's test runs programs: as root.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -q -B -ntp verify -pl registry-server-mock,ebpm-playground -am -Dtest='HubPagesBrowserTest,PlaygroundBrowserTest' \
    -Dsurefire.failIfNoSpecifiedTests=false -Debpm.screenshots.docs="$root/docs/web"
chmod 644 "$root"/docs/web/*.png
ls -l "$root"/docs/web/*.png
