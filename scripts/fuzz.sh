#!/usr/bin/env bash
# Fuzzes every parser that reads what others send (Jazzer, coverage-guided), each for a bounded time: the
# @FuzzTest(maxDuration) of each target, 12 s. Each starts from its committed seeds
# (src/test/resources/**/<Test>Inputs/<target>/) plus the corpus earlier runs grew (.cifuzz-corpus/, not committed).
# A finding fails the run, and Jazzer writes the input beside the seeds as crash-<sha1>: fix the code and commit the
# file, which every plain build then replays as a regression test. FUZZ_TARGETS="Class#method ..." picks targets.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
all=(
  "package-format PackageFormatFuzzTest#manifest"
  "package-format PackageFormatFuzzTest#archive"
  "bpf-loader LoaderFormatsFuzzTest#packageJson"
  "bpf-loader LoaderFormatsFuzzTest#elf"
  "bpf-loader LoaderFormatsFuzzTest#btf"
  "registry-client IndexDocumentFuzzTest#index"
  "registry-server-mock HubRequestFuzzTest#request"
)
export JAZZER_FUZZ=1
# the hub target connects to its own server on loopback, which Jazzer's request-forgery detector would report
export JAZZER_DISABLED_HOOKS=com.code_intelligence.jazzer.sanitizers.ServerSideRequestForgery
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed=0
for entry in "${all[@]}"; do
  read -r module target <<<"$entry"
  if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $target "* ]]; then continue; fi
  log="$logs/${target/\#/-}.log"
  start=$SECONDS
  if mvn -q -B -ntp test -pl "$module" -am -Djazzer.hooks=true -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1; then
    echo "fuzz: $target: $(grep -oE 'Done [0-9]+ runs' "$log" | tail -1 | cut -d' ' -f2) runs, no finding ($((SECONDS - start)) s)"
  else
    failed=1
    echo "fuzz: $target: FAILED ($((SECONDS - start)) s)"
    grep -E 'FuzzTestFindingException|Caused by|Test unit written to|ERROR\]   ' "$log" | head -8 | sed 's/^/fuzz:   /'
  fi
done
exit $failed
