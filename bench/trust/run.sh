#!/usr/bin/env bash
# Cost of trust checks, as a fraction of the whole command: `ebpm install` (archive sha256, unpack with every file's
# sha256, Ed25519 signature) and `ebpm run` (signature re-verified, every stored file re-hashed) for a package of
# SIZE MiB of incompressible data next to the sigsnoop example (default sizes: 1 and 50). The whole command is timed
# with hyperfine; the phases come from EBPM_TIMING=1 lines in the same runs' stderr (medians). `run` loads and
# attaches sigsnoop for real, with --duration 0, so it needs root.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$(cd "$here/../.." && pwd)"
. "$root/bench/lib.sh"
sizes=${SIZES:-"1 50"}; runs=${RUNS:-10}
out="$root/bench/.out/trust"; rm -rf "$out"; mkdir -p "$out"
need_ebpm_jar
ebpm() { java -jar "$jar" "$@"; }
export EBPM_HOME="$out/home"
ebpm key generate --name bench --no-passphrase >/dev/null
ebpm key trust "$EBPM_HOME/keys/bench.pub" >/dev/null
# sigsnoop, built once, is the entry: the run really loads it
ebpm build "$root/examples/sigsnoop" -o "$out/sigsnoop-build" >/dev/null 2>&1
entry="$out/sigsnoop-build/package.json"
[ -f "$entry" ] || entry="$root/examples/sigsnoop/package.json"
cp -a "$EBPM_HOME" "$out/home-empty"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
phase() { grep "ebpm: timing: $1 " "$2" | awk '{print $(NF-1)}' | median; }

for mib in $sizes; do
  name="bench$mib"; src="$out/src-$mib"; mkdir -p "$src"
  cp "$entry" "$src/package.json"
  head -c $((mib * 1024 * 1024)) /dev/urandom > "$src/data.bin"
  printf '{"name":"%s","version":"1.0.0","kind":"bpf","entry":"package.json"}' "$name" > "$src/ebpm.json"
  archive=$(ebpm pack "$src" -o "$out/dist" | awk '{print $1}')
  ebpm sign "$archive" --key bench >/dev/null

  # install into a fresh copy of the (keys only) store each time
  log="$out/install-$mib.log"; : > "$log"
  hyperfine -N --runs "$runs" --warmup 1 --export-json "$out/install-$mib.json" \
    --prepare "bash -c 'rm -rf $EBPM_HOME && cp -a $out/home-empty $EBPM_HOME'" \
    "bash -c 'EBPM_TIMING=1 java -jar $jar install $archive 2>>$log >/dev/null'" >/dev/null
  whole=$(python3 -c "import json,statistics;print(statistics.median(json.load(open('$out/install-$mib.json'))['results'][0]['times'])*1000)")
  a=$(phase "install: archive sha256" "$log"); u=$(phase "install: unpack and file sha256s" "$log")
  s=$(phase "install: signature" "$log"); st=$(phase "install: store" "$log")
  python3 - "$mib" "$whole" "$a" "$u" "$s" "$st" <<'PY'
import sys
mib, whole, a, u, s, st = sys.argv[1], *map(float, sys.argv[2:])
print(f"install {mib:>2} MiB: whole {whole:7.1f} ms | archive sha256 {a:6.1f} + unpack&file sha256s {u:6.1f} + signature {s:5.2f} ms"
      f" = {a+u+s:6.1f} ms ({(a+u+s)/whole*100:4.1f}%; sha256+signature alone, without gunzip/tar, see run) | store write {st:6.1f} ms")
PY

  # run: the package stays installed; --duration 0 loads, attaches and detaches sigsnoop
  rm -rf "$EBPM_HOME" && cp -a "$out/home-empty" "$EBPM_HOME" && ebpm install "$archive" >/dev/null
  log="$out/run-$mib.log"; : > "$log"
  if hyperfine -N --runs "$runs" --warmup 1 --export-json "$out/run-$mib.json" \
      "bash -c 'EBPM_TIMING=1 java -jar $jar run --duration 0 $name 2>>$log >/dev/null'" >/dev/null 2>"$out/run-$mib.err"; then
    whole=$(python3 -c "import json,statistics;print(statistics.median(json.load(open('$out/run-$mib.json'))['results'][0]['times'])*1000)")
    s=$(phase "run: signature" "$log"); f=$(phase "run: file sha256s" "$log")
    python3 - "$mib" "$whole" "$s" "$f" <<'PY'
import sys
mib, whole, s, f = sys.argv[1], *map(float, sys.argv[2:])
print(f"run     {mib:>2} MiB: whole {whole:7.1f} ms | signature {s:5.2f} + file sha256s {f:6.1f} ms = {s+f:6.1f} ms ({(s+f)/whole*100:4.1f}%)")
PY
  else
    echo "run     $mib MiB: 'ebpm run' failed (root and BPF needed): $(tail -1 "$log")"
  fi
done
