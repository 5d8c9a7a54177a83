#!/usr/bin/env bash
# Prints a digest of everything a scan could change in the sandbox: the planted trees (names, types, modes,
# owners, sizes, mtimes, link targets and file contents — not access times), the mount table, the links, every
# iptables backend and family, nftables, ipsets, named netns and cgroups. Used by the read-only proof test.
set -uo pipefail
section() { printf '== %s\n' "$1"; }
# The overlays' upper dirs hold exactly what was planted over /etc, /var, /opt, /usr and /run, and would
# also hold anything a scan wrote there; /tmp is the sandbox's own tmpfs.
section tree
for top in "$KR_SANDBOX_DIR"/ov/*/upper /tmp; do
  # The sandbox work dir (where this digest is written) is reachable under /tmp: leave it out.
  find "$top" -xdev -path "$KR_SANDBOX_DIR" -prune -o -printf '%p|%y|%m|%U|%G|%s|%T@|%l\n' 2>/dev/null | LC_ALL=C sort
  find "$top" -xdev -path "$KR_SANDBOX_DIR" -prune -o -type f -print0 2>/dev/null | LC_ALL=C sort -z | xargs -0 -r sha256sum 2>/dev/null
done
section mounts
cut -d' ' -f3- /proc/self/mountinfo
section links
# Bridge timers tick by themselves, and so does a bridge's operational state (UNKNOWN -> UP once a port has
# passed forward_delay, learning -> forwarding on the port): seen flipping between the two snapshots under load.
# The administrative flags (<...,UP,...>), addresses, masters and everything else about a link are still compared.
ip -d -o link show | sed -E -e 's/ [a-z_]+_timer +[0-9.]+//g' -e 's/ state [A-Z]+ / state - /' -e 's/ bridge_slave state [a-z]+ / bridge_slave state - /'
for save in iptables-nft-save ip6tables-nft-save iptables-legacy-save ip6tables-legacy-save; do
  section "$save"
  "$save" 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
done
section nft
# Packet counters move with traffic (the sandbox's own loopback); rules and tables are the state.
nft list ruleset 2>/dev/null | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
section ipset
ipset list -n 2>/dev/null
section netns
ls -la /run/netns 2>/dev/null
section cgroups
find /sys/fs/cgroup -maxdepth 4 -type d 2>/dev/null | LC_ALL=C sort
