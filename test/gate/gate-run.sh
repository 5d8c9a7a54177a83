#!/usr/bin/env bash
# Runs inside the sandbox: the gate before and after the operator removed the blockers. Each run is printed as
# `=== <name> <exit status>` followed by its output, for test/gate/gate-sandbox.test.ts to split.
set -uo pipefail
gate() {
  local name=$1 out rc
  shift
  out=$(node dist/kube-residue.cjs gate "$@" 2>&1)
  rc=$?
  printf '=== %s %s\n%s\n' "$name" "$rc" "$out"
}
gate blocked-text
gate blocked-json --format json
# The operator's fix: stop the old load balancer, remove the old manifest.
pid=$(<"$KR_SANDBOX_DIR/daemons/nginx.pid")
kill "$pid"
for _ in $(seq 100); do ss -Hltn 'sport = :6443' | grep -q . || break; sleep 0.05; done
rm -f /etc/kubernetes/manifests/kube-apiserver.yaml
gate cni-unset-json --format json
gate ready-text --cni calico
gate ready-json --cni calico --format json
gate other-cni-json --cni flannel --format json
