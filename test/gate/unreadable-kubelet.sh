#!/usr/bin/env bash
# Planting script for the gate's unchecked case: /var/lib/kubelet readable by root only (as the kubelet leaves
# it), so a user who is not root cannot tell whether old kubelet certificates are there.
set -euo pipefail
# shellcheck source=../sandbox/lib/plant.sh
. "$KR_SANDBOX_HOME/lib/plant.sh"
kr_dir /var/lib/kubelet
chmod 0700 /var/lib/kubelet
