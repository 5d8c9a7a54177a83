#!/usr/bin/env bash
# Builds the kube-residue container image FROM scratch: the standalone binary (npm run build:dist) plus exactly
# the shared libraries `ldd` lists for it, at the same paths. Nothing is pulled.
#
#   deploy/kubernetes/build-image.sh [IMAGE] [BINARY]
#     IMAGE   default kube-residue:latest
#     BINARY  default dist/kube-residue-linux-x64 (ldd must be able to read it: build on its architecture)
#   CONTAINER_TOOL=docker to use docker instead of podman; PODMAN_ARGS for global podman flags (--root ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
image=${1:-kube-residue:latest}
binary=${2:-$repo/dist/kube-residue-linux-x64}
tool=${CONTAINER_TOOL:-podman}
[ -x "$binary" ] || { echo "build-image: $binary not found: run npm run build:dist" >&2; exit 2; }

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/rootfs"
cp "$here/Containerfile" "$ctx/Containerfile"
cp "$binary" "$ctx/rootfs/kube-residue"
# Every library the binary links, and the dynamic loader, copied (dereferenced) to the same path.
ldd "$binary" | awk '/=> \//{print $3} /^[ \t]*\//{print $1}' | sort -u | while read -r lib; do
  mkdir -p "$ctx/rootfs$(dirname "$lib")"
  cp -L "$lib" "$ctx/rootfs$lib"
done
# Mount points: the host root (read-only) and an empty /tmp.
mkdir -p "$ctx/rootfs/host" "$ctx/rootfs/tmp"
# Nothing is pulled (FROM scratch); podman is told so explicitly (docker's --pull takes no "never").
pull=()
[ "$tool" = podman ] && pull=(--pull=never)
# shellcheck disable=SC2086
$tool ${PODMAN_ARGS:-} build --network none "${pull[@]}" -f "$ctx/Containerfile" -t "$image" "$ctx" >&2
echo "$image"
