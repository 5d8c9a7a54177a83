#!/usr/bin/env bash
# Planting script for the gate's unchecked case: /var/lib/kubelet readable by root only (as the kubelet leaves
# it), so a user who is not root cannot tell whether old kubelet certificates are there.
set -euo pipefail
# shellcheck source=../sandbox/lib/plant.sh
. "$KR_SANDBOX_HOME/lib/plant.sh"

# Whatever CNI files the machine running the tests has show through the overlay: hide them (in the sandbox only).
find /etc/cni/net.d -mindepth 1 -maxdepth 1 -exec rm -rf -- {} + 2>/dev/null || true
kr_dir /var/lib/kubelet
chmod 0700 /var/lib/kubelet
