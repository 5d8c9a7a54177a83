#!/usr/bin/env bash
# Planting script for the gate test: what makes a kubespray scale.yml re-join fail. kubespray's localhost API
# load balancer (nginx-proxy) still holding 127.0.0.1:6443 (loadbalancer_apiserver_port, default 6443), an old
# static pod manifest, and the CNI config of calico (the plugin the test says will be installed).
set -euo pipefail
# shellcheck source=../sandbox/lib/plant.sh
. "$KR_SANDBOX_HOME/lib/plant.sh"

# Whatever CNI files the machine running the tests has show through the overlay: hide them (in the sandbox only).
find /etc/cni/net.d -mindepth 1 -maxdepth 1 -exec rm -rf -- {} + 2>/dev/null || true

kr_file /etc/kubernetes/manifests/kube-apiserver.yaml 0600 <<'YAML'
apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.30.4
YAML
kr_file /etc/cni/net.d/10-calico.conflist <<'JSON'
{"name": "k8s-pod-network", "cniVersion": "0.3.1", "plugins": [{"type": "calico"}, {"type": "portmap", "capabilities": {"portMappings": true}}]}
JSON
kr_daemon nginx /usr/sbin/nginx "tcp:127.0.0.1:6443" "nginx: master process nginx -g daemon off;"
