#!/usr/bin/env bash
# Installs what ebpm needs on Debian 12 and mounts what eBPF tooling uses. Idempotent.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null && exec sudo "$0" "$@"
  echo "setup.sh installs packages and mounts filesystems: run it as root" >&2
  exit 1
fi
pkgs=(openjdk-17-jdk-headless maven clang llvm libbpf-dev libbpf1 bpftool libelf-dev iproute2
      wasi-libc lld-14 libclang-rt-14-dev-wasm32 xxd xz-utils nginx curl prometheus gnuplot-nox
      chromium chromium-driver   # the browser tests of the hub pages and the playground (headless, driven by Selenium)
      docker-registry skopeo apache2-utils openssl   # a real OCI registry, and skopeo to check what ebpm writes
      asciidoctor man-db   # the release's man pages (scripts/release.sh), and man to check them
      fish zsh             # the completion tests run each shell's script
      python3)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# tracefs and bpffs are not mounted at boot here; ebpm mounts them on demand too.
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing || echo "setup: could not mount tracefs" >&2
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf || echo "setup: could not mount bpffs" >&2
echo "setup: ready" >&2
