#!/usr/bin/env bash
# Dumps the state of the node it runs on, in "=== name ===" sections, using
# the ordinary tools (ip, iptables-*-save, nft, ipset, ss, /proc, find, stat).
# sandbox.test.ts runs it inside the sandbox and checks every planted item.
set -uo pipefail

section() { printf '=== %s ===\n' "$1"; }

section hostname
cat /proc/sys/kernel/hostname
section env
printf 'KR_SANDBOX=%s\nKR_SANDBOX_DIR=%s\nTMPDIR=%s\nKR_SANDBOX_SCENARIOS=%s\nPWD=%s\n' \
  "${KR_SANDBOX-}" "${KR_SANDBOX_DIR-}" "${TMPDIR-}" "${KR_SANDBOX_SCENARIOS-}" "$PWD"
section pid1
tr '\0' ' ' </proc/1/cmdline
echo
section links
ip -d -j link show
echo
section netns
ls -1 /run/netns 2>/dev/null
section sys-class-net
ls -1 /sys/class/net
section mountinfo
cat /proc/self/mountinfo
for fam in ip ip6; do
  for backend in nft legacy; do
    section "iptables-$fam-$backend"
    if [[ $fam == ip ]]; then
      "iptables-$backend-save" 2>/dev/null
    else
      "ip6tables-$backend-save" 2>/dev/null
    fi
  done
done
section nft
nft list ruleset 2>/dev/null
section ipset
ipset list -n 2>/dev/null
section ss
ss -ltnupH
section proc-net-tcp
cat /proc/net/tcp /proc/net/tcp6
section procs
for p in /proc/[0-9]*; do
  [[ -r $p/comm ]] || continue
  printf '%s\t%s\t%s\n' "${p#/proc/}" "$(cat "$p/comm" 2>/dev/null)" "$(tr '\0' '\037' <"$p/cmdline" 2>/dev/null)"
done
section cgroup-dirs
find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null
section self-cgroup
cat /proc/self/cgroup
section manifest
cat "${KR_SANDBOX_DIR:-/nonexistent}/planted.tsv" 2>/dev/null
section skipped
cat "${KR_SANDBOX_DIR:-/nonexistent}/skipped.tsv" 2>/dev/null
section path-types
# type of every planted path (lstat: symlinks are reported as such)
if [[ -r ${KR_SANDBOX_DIR:-/nonexistent}/planted.tsv ]]; then
  while IFS=$'\t' read -r _ _ kind id; do
    [[ $kind == path ]] || continue
    printf '%s\t%s\n' "$id" "$(stat -c %F -- "$id" 2>/dev/null || echo missing)"
  done <"$KR_SANDBOX_DIR/planted.tsv"
fi
section end
