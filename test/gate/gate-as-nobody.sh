#!/usr/bin/env bash
# Runs inside the sandbox: the gate as user nobody, from a world-readable copy of dist/ in the sandbox work dir,
# without and with --allow-unchecked (same `=== <name> <status>` framing as gate-run.sh).
set -uo pipefail
# The bundle finds its rules in ../dist relative to itself: the copy keeps the name.
copy="$KR_SANDBOX_DIR/nobody/dist"
mkdir -p "$copy"
cp -r dist/. "$copy"
chmod 0755 "$KR_SANDBOX_DIR"
chmod -R a+rX "$KR_SANDBOX_DIR/nobody"
gate() {
  local name=$1 out rc
  shift
  out=$(cd / && runuser -u nobody -- "$(command -v node)" "$copy/kube-residue.cjs" gate "$@" 2>&1)
  rc=$?
  printf '=== %s %s\n%s\n' "$name" "$rc" "$out"
}
gate nobody-json --format json
gate nobody-allowed-json --format json --allow-unchecked
gate nobody-text
