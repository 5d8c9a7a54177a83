#!/usr/bin/env bash
# Scenario calico-cgroup: Calico leftovers around the /run/calico/cgroup
# cgroup2 mount that makes "rm -rf /run/calico" fail with EPERM (seed 002,
# kubekey#2539; catalog MNT-09, PATH-32/33, IF-03/04/06, IPT-04): the mount,
# Calico state/log files, vxlan.calico, tunl0 (when ipip is available),
# a cali veth whose peer sits in a CNI netns, and cali-* iptables chains
# (nft backend, IPv4 and IPv6).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/plant.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"

# --- /run/calico/cgroup: a real cgroup2 mount (rooted at the sandbox's
# cgroup namespace root, like calico-node's mount-bpffs init container does)
kr_dir /run/calico/cgroup
mount -t cgroup2 none /run/calico/cgroup
kr_record mount /run/calico/cgroup
kr_file /run/calico/bird.ctl 0660 </dev/null
kr_file /var/lib/calico/nodename <<<"node3"
kr_file /var/lib/calico/mtu <<<"1450"
kr_file /var/log/calico/cni/cni.log <<'EOF'
2024-01-01 00:00:00.000 [INFO][1234] plugin.go 326: Calico CNI found existing endpoint ContainerID="0123456789ab"
EOF

# --- interfaces
ip link add vxlan.calico type vxlan id 4096 dstport 4789 local 10.0.0.13 nolearning
ip link set vxlan.calico mtu 1450 up
ip addr add 10.233.92.0/32 dev vxlan.calico
kr_iface vxlan.calico
kr_record port udp/0.0.0.0:4789

if [[ -e /sys/class/net/tunl0 ]]; then
  ip link set tunl0 mtu 1480 up
  ip addr add 10.233.92.1/32 dev tunl0
  kr_iface tunl0
elif kr_have_module ipip; then
  kr_skip interface tunl0 "ipip is loaded but no tunl0 fallback device exists in new namespaces"
else
  kr_skip interface tunl0 "ipip module not built in / not loaded (loading it would add tunl0 to the host too)"
fi

pod_ns="cni-$(kr_uuid calico-cgroup/netns)"
kr_netns "$pod_ns"
ip link add cali1234567890a type veth peer name eth0 netns "$pod_ns"
ip link set cali1234567890a address ee:ee:ee:ee:ee:ee up
ip -n "$pod_ns" addr add 10.233.92.5/32 dev eth0
ip -n "$pod_ns" link set eth0 up
kr_iface cali1234567890a

# --- cali-* chains (nft backend) with Calico's "cali:<hash>" rule comments
kr_calico_chains ip cali1234567890a
kr_calico_chains ip6 cali1234567890a
