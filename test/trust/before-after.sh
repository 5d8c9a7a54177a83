#!/usr/bin/env bash
# Runs inside the sandbox (scenario remove-node): a scan before and after the operator fixed part of the node,
# with a baseline written before; then `diff`. Prints `=== <name> <exit status>` and then each file as
# `=== file <name>` followed by its content, for test/trust/before-after.test.ts.
set -uo pipefail
out="$KR_SANDBOX_DIR/out"
mkdir -p "$out"
kr() { node dist/kube-residue.cjs "$@"; }
step() {
  local name=$1 rc
  shift
  "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"
  rc=$?
  printf '=== %s %s\n' "$name" "$rc"
}
step scan-before kr scan --format json --output "$out/before.json" --write-baseline "$out/baseline.json"
step scan-baselined kr scan --format json --output "$out/baselined.json" --baseline "$out/baseline.json"
# The operator's fix: the old static pods and kubespray's nginx-proxy go.
rm -f /etc/kubernetes/manifests/*.yaml
kill "$(<"$KR_SANDBOX_DIR/daemons/nginx.pid")"
for _ in $(seq 100); do ss -Hltn 'sport = :6443' | grep -q . || break; sleep 0.05; done
# ... and something new turns up: an old k3s/rke2 node password.
mkdir -p /etc/rancher/node && echo 0123456789abcdef >/etc/rancher/node/password
step scan-after kr scan --format json --output "$out/after.json"
step scan-after-baselined kr scan --format json --output "$out/after-baselined.json" --baseline "$out/baseline.json"
step diff-json kr diff "$out/before.json" "$out/after.json" --format json
step diff-table kr diff "$out/before.json" "$out/after.json"
step diff-markdown kr diff "$out/before.json" "$out/after.json" --format markdown
step diff-same kr diff "$out/after.json" "$out/after.json" --format json
for f in baseline.json before.json baselined.json scan-baselined.stderr after.json after-baselined.json scan-after-baselined.stderr diff-json.stdout diff-table.stdout diff-markdown.stdout diff-same.stdout; do
  printf '=== file %s\n' "$f"
  cat "$out/$f"
done
