#!/usr/bin/env bash
# Scenario remove-node: kubespray remove_node.yml on a host that was not reset
# (seed 001, residue catalog §16.2, kubespray#11627): static pod manifests,
# kubeconfigs and PKI, etcd data, CNI config, and still RUNNING kubelet,
# nginx-proxy (holding 127.0.0.1:6443), containerd shim and kube-apiserver
# processes, a CNI network namespace, kubelet volume tmpfs mounts and a pod
# sandbox shm mount.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../lib/plant.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"

node=node2

# --- static pod manifests
static_pod() {
  local name=$1 image=$2 cmd=$3
  kr_file "/etc/kubernetes/manifests/$name.yaml" 0600 <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $name
  namespace: kube-system
  labels:
    component: $name
    tier: control-plane
spec:
  hostNetwork: true
  priorityClassName: system-node-critical
  containers:
  - name: $name
    image: $image
    command:
    - $cmd
EOF
}
static_pod kube-apiserver registry.k8s.io/kube-apiserver:v1.30.4 kube-apiserver
static_pod kube-controller-manager registry.k8s.io/kube-controller-manager:v1.30.4 kube-controller-manager
static_pod kube-scheduler registry.k8s.io/kube-scheduler:v1.30.4 kube-scheduler
static_pod etcd registry.k8s.io/etcd:3.5.12-0 etcd
static_pod nginx-proxy docker.io/library/nginx:1.25.2-alpine nginx

# --- kubeconfigs and PKI
kubeconfig() {
  kr_file "$1" 0600 <<EOF
apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: S1ItU0FOREJPWC1GQUtFLUNB
    server: https://127.0.0.1:6443
  name: cluster.local
contexts:
- context:
    cluster: cluster.local
    user: $2
  name: $2@cluster.local
current-context: $2@cluster.local
users:
- name: $2
  user:
    client-certificate-data: S1ItU0FOREJPWC1GQUtFLUNFUlQ=
    client-key-data: S1ItU0FOREJPWC1GQUtFLUtFWQ==
EOF
}
kubeconfig /etc/kubernetes/admin.conf kubernetes-admin
kubeconfig /etc/kubernetes/kubelet.conf "system:node:$node"
kr_file /etc/kubernetes/pki/ca.crt <<'EOF'
-----BEGIN CERTIFICATE-----
S1ItU0FOREJPWCBGQUtFIENBIENFUlRJRklDQVRFIC0gTk9UIEEgUkVBTCBDRVJU
-----END CERTIFICATE-----
EOF
kr_file /etc/kubernetes/pki/ca.key 0600 <<'EOF'
-----BEGIN RSA PRIVATE KEY-----
S1ItU0FOREJPWCBGQUtFIENBIEtFWSAtIE5PVCBBIFJFQUwgS0VZ
-----END RSA PRIVATE KEY-----
EOF

# --- etcd data and CNI config
kr_dir /var/lib/etcd/member/snap /var/lib/etcd/member/wal
kr_fake_binary /var/lib/etcd/member/snap/db etcd-db
kr_file /etc/cni/net.d/10-calico.conflist <<EOF
{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    { "type": "calico", "datastore_type": "kubernetes", "nodename": "$node",
      "ipam": { "type": "calico-ipam" }, "kubernetes": { "kubeconfig": "/etc/cni/net.d/calico-kubeconfig" } },
    { "type": "portmap", "snat": true, "capabilities": { "portMappings": true } }
  ]
}
EOF

# --- pods: sandbox ids, CNI netns, kubelet volume mounts, sandbox shm
sandbox_id=$(kr_hex 64 remove-node/sandbox/nginx-proxy)
sandbox2_id=$(kr_hex 64 remove-node/sandbox/calico-node)
kr_netns "cni-$(kr_uuid remove-node/netns)"
for pod in calico-node-q8w4r kube-proxy-9tx2m; do
  uid=$(kr_uuid "remove-node/$pod/uid")
  kr_tmpfs "/var/lib/kubelet/pods/$uid/volumes/kubernetes.io~projected/kube-api-access-$(kr_hex 5 "remove-node/$pod/token" | tr '0-9' 'g-p')" \
    rw,relatime,size=180200k
  kr_file "/var/lib/kubelet/pods/$uid/etc-hosts" <<<"127.0.0.1 localhost"
done
kr_file /var/lib/kubelet/config.yaml <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
staticPodPath: /etc/kubernetes/manifests
EOF
for id in "$sandbox_id" "$sandbox2_id"; do
  kr_tmpfs "/run/containerd/io.containerd.grpc.v1.cri/sandboxes/$id/shm" rw,nosuid,nodev,noexec,relatime,size=65536k
done

# --- running processes (real comm names, real listening sockets)
kr_daemon kubelet /usr/local/bin/kubelet "tcp:[::]:10250 tcp:127.0.0.1:10248" "" \
  --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf \
  --kubeconfig=/etc/kubernetes/kubelet.conf \
  --config=/etc/kubernetes/kubelet-config.yaml \
  --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock \
  --runtime-cgroups=/system.slice/containerd.service \
  --node-ip=10.0.0.12 --hostname-override="$node" --v=2
kr_daemon containerd-shim /usr/bin/containerd-shim-runc-v2 "" "" \
  -namespace k8s.io -id "$sandbox_id" -address /run/containerd/containerd.sock
kr_daemon nginx /usr/sbin/nginx "tcp:127.0.0.1:6443 tcp:127.0.0.1:8081" \
  "nginx: master process nginx -g daemon off;"
kr_daemon kube-apiserver /usr/local/bin/kube-apiserver "" "" \
  --advertise-address=10.0.0.12 --allow-privileged=true \
  --authorization-mode=Node,RBAC --etcd-servers=https://127.0.0.1:2379 \
  --secure-port=6443 --service-cluster-ip-range=10.233.0.0/18 \
  --client-ca-file=/etc/kubernetes/ssl/ca.crt
