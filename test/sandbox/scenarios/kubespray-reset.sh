#!/usr/bin/env bash
# Scenario kubespray-reset: what kubespray reset.yml leaves behind
# (seed 000, residue catalog §16.1): container logs, /tmp/releases downloads,
# kubepods cgroups + transient slices, kubelet/containerd systemd leftovers,
# /etc/containerd, /run/containerd, etcd backups, helm completion, the native
# nft table of kube-proxy (nftables mode) and Calico's IPAM ipset.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/plant.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"

node=node1

# --- container logs: /var/log/pods/<ns>_<pod>_<uid>/<ctr>/0.log and the
# kubelet-made symlinks /var/log/containers/<pod>_<ns>_<ctr>-<id>.log
plant_pod_log() {
  local pod=$1 ns=$2 ctr=$3 uid id dir
  uid=$(kr_uuid "kubespray-reset/$pod/uid")
  id=$(kr_hex 64 "kubespray-reset/$pod/$ctr")
  dir=/var/log/pods/${ns}_${pod}_${uid}/$ctr
  printf '2024-01-01T00:00:00.000000000Z stderr F I0101 00:00:00.000000       1 %s.go:42] started\n' "$ctr" |
    kr_file "$dir/0.log" 0640
  kr_symlink "$dir/0.log" "/var/log/containers/${pod}_${ns}_${ctr}-${id}.log"
}
plant_pod_log "kube-apiserver-$node" kube-system kube-apiserver
plant_pod_log "kube-controller-manager-$node" kube-system kube-controller-manager
plant_pod_log "kube-scheduler-$node" kube-system kube-scheduler
plant_pod_log kube-proxy-x7k2p kube-system kube-proxy
plant_pod_log calico-node-5fz8q kube-system calico-node
kr_dir /var/log/kubernetes/audit
kr_file /var/log/kubernetes/audit/audit.log 0600 <<'EOF'
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","stage":"ResponseComplete","verb":"get"}
EOF

# --- /tmp/releases (kubespray download cache)
kr_fake_binary /tmp/releases/kubeadm-v1.30.4-amd64 v1.30.4
kr_fake_binary /tmp/releases/kubelet-v1.30.4-amd64 v1.30.4
kr_fake_binary /tmp/releases/kubectl-v1.30.4-amd64 v1.30.4
for crd in ippools felixconfigurations bgpconfigurations ipamblocks; do
  kr_file "/tmp/releases/calico-v3.28.1-kdd-crds/crd.projectcalico.org_${crd}.yaml" <<EOF
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${crd}.crd.projectcalico.org
spec:
  group: crd.projectcalico.org
  names:
    kind: ${crd}
    plural: ${crd}
  scope: Cluster
EOF
done

# --- kubepods cgroups (systemd driver naming) in every hierarchy
pod_uid=$(kr_uuid "kubespray-reset/burstable-pod")
kr_cgroup kubepods.slice/kubepods-besteffort.slice \
  "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod_uid//-/_}.slice/cri-containerd-$(kr_hex 64 kubespray-reset/scope).scope"

# --- systemd transient units of those slices
transient_slice() {
  local unit=$1 desc=$2
  kr_file "/run/systemd/transient/$unit" <<EOF
# This is a transient unit file, created programmatically via the systemd API. Do not edit.
[Unit]
Description=$desc
Wants=-.slice

[Slice]
EOF
  kr_file "/run/systemd/transient/$unit.d/50-CPUShares.conf" <<'EOF'
# This is a drop-in unit file extension, created via "systemctl set-property"
# or an equivalent operation. Do not edit.
[Slice]
CPUShares=1024
EOF
}
transient_slice kubepods.slice "libcontainer container kubepods.slice"
transient_slice kubepods-burstable.slice "libcontainer container kubepods-burstable.slice"

# --- kubelet unit + drop-in + enablement symlink; a dangling containerd one
kr_file /etc/systemd/system/kubelet.service <<'EOF'
[Unit]
Description=Kubernetes Kubelet Server
Documentation=https://github.com/GoogleCloudPlatform/kubernetes
After=containerd.service
Wants=containerd.service

[Service]
EnvironmentFile=-/etc/kubernetes/kubelet.env
ExecStart=/usr/local/bin/kubelet $KUBE_LOGTOSTDERR $KUBE_LOG_LEVEL $KUBELET_API_SERVER $KUBELET_ADDRESS $KUBELET_PORT $KUBELET_HOSTNAME $KUBELET_ARGS
Restart=always
RestartSec=10s

[Install]
WantedBy=multi-user.target
EOF
kr_file /etc/systemd/system/kubelet.service.d/10-kubeadm.conf <<'EOF'
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
ExecStart=
ExecStart=/usr/local/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_EXTRA_ARGS
EOF
kr_symlink /etc/systemd/system/kubelet.service /etc/systemd/system/multi-user.target.wants/kubelet.service
kr_symlink /etc/systemd/system/containerd.service /etc/systemd/system/multi-user.target.wants/containerd.service

# --- containerd config and runtime dirs
kr_file /etc/containerd/config.toml <<'EOF'
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
oom_score = 0

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.9"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      SystemdCgroup = true
EOF
kr_dir /run/containerd/io.containerd.runtime.v2.task/k8s.io \
  /run/containerd/io.containerd.grpc.v1.cri/sandboxes \
  /run/containerd/io.containerd.grpc.v1.cri/containers \
  /run/containerd/runc/k8s.io \
  /run/containerd/s

# --- etcd backup left by upgrades/reset
backup=/var/backups/etcd-2024-01-01_00:00:00
kr_dir "$backup/member/snap" "$backup/member/wal"
kr_fake_binary "$backup/member/snap/db" etcd-db
kr_file "$backup/snapshot.db" 0600 <<<"kr-sandbox fake etcd snapshot"

# --- helm bash completion (kept by reset)
kr_file /etc/bash_completion.d/helm.sh <<'EOF'
# bash completion for helm                                 -*- shell-script -*-
__helm_debug() { :; }
complete -o default -F __start_helm helm
EOF

# --- kube-proxy nftables mode table (optional: needs nf_tables)
if command -v nft >/dev/null && nft -f - <<'EOF'; then
table ip kube-proxy {
	comment "rules for kube-proxy"
	chain filter-prerouting {
		type filter hook prerouting priority dstnat - 10; policy accept;
		ct state new jump firewall-check
	}
	chain filter-input {
		type filter hook input priority -110; policy accept;
		ct state new jump nodeport-endpoints-check
		ct state new jump service-endpoints-check
	}
	chain firewall-check {
	}
	chain nodeport-endpoints-check {
	}
	chain service-endpoints-check {
	}
	chain services {
	}
	chain nat-prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		jump services
	}
	chain nat-output {
		type nat hook output priority -100; policy accept;
		jump services
	}
}
EOF
  kr_record nft-table "ip kube-proxy"
else
  kr_skip nft-table "ip kube-proxy" "nft not available or nf_tables rejected the table"
fi

# --- Calico IPAM ipset (optional: needs ip_set + hash:net)
if command -v ipset >/dev/null && ipset create cali40all-ipam-pools hash:net family inet 2>/dev/null; then
  ipset add cali40all-ipam-pools 10.233.64.0/18
  kr_record ipset cali40all-ipam-pools
else
  kr_skip ipset cali40all-ipam-pools "ipset not available or kernel lacks hash:net"
fi
