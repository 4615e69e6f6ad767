#!/usr/bin/env bash
# Builds with `ebpm build` the sources in eunomia-bpf's repository for which it also holds what ecc made from them,
# and compares the two field by field: export_types (name, size, members' names and types), maps (ident, name,
# mmaped, sample), progs (name, attach, link) and data sections (variables' names and types). BTF type ids are left
# out: they depend on the vmlinux.h and clang a build uses. Nothing of eunomia's is copied into this repository: the
# sources are read from the checkouts given and built in a temporary directory.
# usage: scripts/compare-with-ecc.sh EUNOMIA_BPF_CHECKOUT WASM_BPF_CHECKOUT   (docs/package-format.md has the result)
set -euo pipefail
eunomia="$(cd "$1" && pwd)"; wasm_bpf="$(cd "$2" && pwd)"
ebpm="$(cd "$(dirname "$0")/.." && pwd)/ebpm"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
assets="$eunomia/bpf-loader-rs/bpf-loader-lib/assets"

compare() { # ECC_JSON EBPM_PACKAGE_JSON LABEL
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
def meta(p):
    d = json.load(open(p)); return d.get('meta', d)
def norm(m):
    s = m['bpf_skel']
    et = m.get('export_types') or []
    return {
        'export_types': [(t['name'], t.get('size'), [(x['name'], x['type']) for x in t['members']]) for t in et],
        'maps': [(x['ident'], x['name'], bool(x.get('mmaped', False)), x.get('sample')) for x in s.get('maps') or []],
        'progs': [(x['name'], x.get('attach'), x.get('link')) for x in s.get('progs') or []],
        'data_sections': [(d['name'], [(v['name'], v['type']) for v in d['variables']]) for d in s.get('data_sections') or []],
    }
ecc, ebpm = norm(meta(sys.argv[1])), norm(meta(sys.argv[2]))
print(sys.argv[3])
for k in ecc:
    print(f'  {k}: ' + ('same' if ecc[k] == ebpm[k] else f'DIFFER\n    ecc:  {ecc[k]}\n    ebpm: {ebpm[k]}'))
PY
}

# wasm-bpf's bootstrap with eunomia's event header: what ecc built into bootstrap.json (object name client_bpf)
mkdir -p "$work/client"
sed 's/"bootstrap.h"/"client.h"/' "$wasm_bpf/examples/bootstrap/bootstrap.bpf.c" > "$work/client/client.bpf.c"
cp "$eunomia/compiler/cmd/test/event.h" "$work/client/client.h"
"$ebpm" build "$work/client" -o "$work/out/client" >/dev/null
compare "$assets/bootstrap.json" "$work/out/client/package.json" "bootstrap (ecc: bpf-loader-lib/assets/bootstrap.json)"

# headers built alone (ecc --header-only)
for pair in simple_prog/simple_prog.h int128_test/prog.h; do
  dir="${pair%/*}"; mkdir -p "$work/$dir"; cp "$assets/$pair" "$work/$dir/"
  "$ebpm" build --header-only "$work/$pair" -o "$work/out/$dir" >/dev/null
  compare "$(ls "$assets/$dir"/*.skel.json)" "$work/out/$dir/package.json" "$dir --header-only (ecc: $(cd "$assets/$dir" && ls *.skel.json))"
done

# programs without an event header
for src in simple_prog_2/simple_prog_2.c simple_prog_3/simple_prog_3.c simple_prog_4/test.bpf.c simple_prog_5/test.bpf.c simple_prog_6/test.bpf.c; do
  dir="${src%/*}"; base="$(basename "$src")"; name="${base%%.*}"; mkdir -p "$work/$dir"
  cp "$assets/$src" "$work/$dir/$name.bpf.c"; cp "$assets/$dir"/*.h "$work/$dir/" 2>/dev/null || true
  "$ebpm" build "$work/$dir/$name.bpf.c" -o "$work/out/$dir" >/dev/null
  compare "$assets/$dir/$name.skel.json" "$work/out/$dir/package.json" "$dir (ecc: $name.skel.json)"
done
