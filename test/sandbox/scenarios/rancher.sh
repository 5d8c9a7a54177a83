#!/usr/bin/env bash
# Scenario rancher: an RKE1 (Canal: flannel + Calico policy) node that was
# removed from Rancher while unreachable and not cleaned yet (seed 004, residue
# catalog §16.7): every directory of Rancher's manual clean-up list, kubelet
# tmpfs volume mounts (plus a non-tmpfs CSI bind mount that the documented
# tmpfs-only unmount loop misses), flannel.1 / cni0 + veth / cali interfaces,
# KUBE-* chains (nft backend, some also in the legacy backend), FLANNEL-* and
# cali-* chains, a kube-proxy process on 10256 and flannel's UDP 8472 socket.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/plant.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"

node=node4

# --- Rancher's directory list
kr_dir /etc/ceph /etc/cni/net.d /etc/kubernetes/ssl /etc/rancher \
  /opt/cni/bin /opt/rke/etc/kubernetes /run/secrets/kubernetes.io/serviceaccount \
  /run/calico /run/flannel /var/lib/calico /var/lib/etcd/member \
  /var/lib/cni/networks/cbr0 /var/lib/kubelet/pods /var/lib/rancher/rke/log \
  /var/log/containers /var/log/kube-audit /var/log/pods \
  /usr/libexec/kubernetes/kubelet-plugins/volume/exec
for bin in flannel bridge loopback host-local portmap calico calico-ipam; do
  kr_fake_binary "/opt/cni/bin/$bin" v1.4.0
done
kr_file /etc/cni/net.d/10-canal.conflist <<'EOF'
{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    { "type": "calico", "ipam": { "type": "host-local", "subnet": "usePodCidr" } },
    { "type": "portmap", "snat": true, "capabilities": { "portMappings": true } }
  ]
}
EOF
kr_file /etc/kubernetes/ssl/kube-ca.pem <<'EOF'
-----BEGIN CERTIFICATE-----
S1ItU0FOREJPWCBGQUtFIFJLRSBDQSAtIE5PVCBBIFJFQUwgQ0VSVA==
-----END CERTIFICATE-----
EOF
kr_file /etc/kubernetes/ssl/kubecfg-kube-node.yaml 0600 <<'EOF'
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /etc/kubernetes/ssl/kube-ca.pem
    server: "https://127.0.0.1:6443"
  name: "local"
EOF
kr_file /opt/rke/etc/kubernetes/audit-policy.yaml <<'EOF'
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: Metadata
EOF
kr_file /run/secrets/kubernetes.io/serviceaccount/namespace <<<"cattle-system"
kr_file /run/flannel/subnet.env <<'EOF'
FLANNEL_NETWORK=10.42.0.0/16
FLANNEL_SUBNET=10.42.0.1/24
FLANNEL_MTU=1450
FLANNEL_IPMASQ=false
EOF
kr_file /var/lib/calico/nodename <<<"$node"
kr_file /var/lib/cni/networks/cbr0/10.42.0.5 <<<"$(kr_hex 64 rancher/sandbox)"
kr_file "/var/lib/rancher/rke/log/kube-proxy_$(kr_hex 64 rancher/kube-proxy).log" <<<"{}"
kr_file /var/log/kube-audit/audit-log.json <<<'{"kind":"Event","apiVersion":"audit.k8s.io/v1"}'
kr_fake_binary /var/lib/etcd/member/snap/db etcd-db

# --- pod logs + kubelet pod volumes
uid=$(kr_uuid rancher/pod/canal)
ctr_id=$(kr_hex 64 rancher/canal/calico-node)
printf '2024-01-01T00:00:00Z stdout F started\n' |
  kr_file "/var/log/pods/kube-system_canal-7kz2b_${uid}/calico-node/0.log"
kr_symlink "/var/log/pods/kube-system_canal-7kz2b_${uid}/calico-node/0.log" \
  "/var/log/containers/canal-7kz2b_kube-system_calico-node-${ctr_id}.log"
kr_tmpfs "/var/lib/kubelet/pods/$uid/volumes/kubernetes.io~secret/canal-token-x2v9q" rw,relatime,size=65536k
kr_tmpfs "/var/lib/kubelet/pods/$uid/volumes/kubernetes.io~projected/kube-api-access-h7kzd" rw,relatime,size=65536k
csi_uid=$(kr_uuid rancher/pod/app)
pvc="pvc-$(kr_uuid rancher/pvc)"
# the volume's data is not residue: it must survive any clean-up
KR_CLASS=user kr_file "/var/lib/kr-csi-backing/$pvc/important-data.txt" <<<"volume data that must survive a clean-up"
kr_bind "/var/lib/kr-csi-backing/$pvc" "/var/lib/kubelet/pods/$csi_uid/volumes/kubernetes.io~csi/$pvc/mount"

# --- interfaces: flannel.1 (VXLAN VNI 1, UDP 8472), cni0 bridge + veth,
# cali<11hex>, tunl0 when ipip is available
ip link add flannel.1 type vxlan id 1 dstport 8472 local 10.0.0.14 nolearning
ip link set flannel.1 mtu 1450 up
ip addr add 10.42.0.0/32 dev flannel.1
kr_iface flannel.1
kr_record port udp/0.0.0.0:8472

ip link add cni0 type bridge
ip addr add 10.42.0.1/24 dev cni0
ip link set cni0 up
kr_iface cni0

pod_ns="cni-$(kr_uuid rancher/netns)"
kr_netns "$pod_ns"
veth="veth$(kr_hex 8 rancher/veth)"
ip link add "$veth" type veth peer name eth0 netns "$pod_ns"
ip link set "$veth" master cni0 up
ip -n "$pod_ns" addr add 10.42.0.5/24 dev eth0
ip -n "$pod_ns" link set eth0 up
kr_iface "$veth"

cali="cali$(kr_hex 11 rancher/cali)"
ip link add "$cali" type veth peer name eth1 netns "$pod_ns"
ip link set "$cali" address ee:ee:ee:ee:ee:ee up
ip -n "$pod_ns" addr add 10.42.0.6/32 dev eth1
ip -n "$pod_ns" link set eth1 up
kr_iface "$cali"

if [[ -e /sys/class/net/tunl0 ]]; then
  ip link set tunl0 up
  kr_iface tunl0
else
  kr_skip interface tunl0 "ipip module not built in / not loaded (loading it would add tunl0 to the host too)"
fi

# --- kube-proxy (iptables mode) chains, nft backend
svc="KUBE-SVC-$(kr_hex 16 rancher/svc | tr 'a-f' 'A-F' | tr '0-9' 'G-P')"
sep="KUBE-SEP-$(kr_hex 16 rancher/sep | tr 'a-f' 'A-F' | tr '0-9' 'G-P')"
kr_iptables nft ip <<EOF
*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:$svc - [0:0]
:$sep - [0:0]
:FLANNEL-POSTRTG - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SERVICES -d 10.43.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j $svc
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A $svc ! -s 10.42.0.0/16 -d 10.43.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
-A $svc -m comment --comment "default/kubernetes:https -> 10.0.0.10:6443" -j $sep
-A $sep -s 10.0.0.10/32 -m comment --comment "default/kubernetes:https" -j KUBE-MARK-MASQ
-A $sep -p tcp -m comment --comment "default/kubernetes:https" -m tcp -j DNAT --to-destination 10.0.0.10:6443
-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN
-A FLANNEL-POSTRTG -s 10.42.0.0/24 -d 10.42.0.0/16 -m comment --comment "flanneld masq" -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:FLANNEL-FWD - [0:0]
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A FLANNEL-FWD -s 10.42.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
-A FLANNEL-FWD -d 10.42.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT
COMMIT
EOF

# --- the kubelet's own chains in the LEGACY backend (mixed-backend node)
kr_iptables legacy ip <<'EOF'
*nat
:KUBE-MARK-DROP - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
-A INPUT -j KUBE-FIREWALL
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP
COMMIT
EOF
kr_iptables legacy ip6 <<'EOF'
*filter
:INPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
-A INPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP
COMMIT
EOF

# --- Canal's Calico policy chains (nft backend)
kr_calico_chains ip "$cali"

# --- kube-proxy process: healthz on 10256, metrics on 127.0.0.1:10249
kr_daemon kube-proxy /usr/local/bin/kube-proxy "tcp:[::]:10256 tcp:127.0.0.1:10249" "" \
  --cluster-cidr=10.42.0.0/16 --hostname-override="$node" \
  --kubeconfig=/etc/kubernetes/ssl/kubecfg-kube-proxy.yaml \
  --healthz-bind-address=0.0.0.0 --v=2
