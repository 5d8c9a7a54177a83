#!/usr/bin/env bash
# Extra planting script for the fix sandbox test: Kubernetes residue in /etc/kubernetes with a filesystem mounted
# below it that no rule reports (a tmpfs holding the user's data). The plan removes /etc/kubernetes; the script
# must refuse at run time, because rm -rf would reach into the mounted filesystem and delete its data.
# shellcheck source-path=SCRIPTDIR source=../sandbox/lib/plant.sh
. "$KR_SANDBOX_HOME/lib/plant.sh"

kr_file /etc/kubernetes/admin.conf 0600 <<'EOF'
apiVersion: v1
kind: Config
clusters: []
EOF
KR_CLASS=user kr_tmpfs /etc/kubernetes/keep rw,relatime,size=1024k
KR_CLASS=user kr_file /etc/kubernetes/keep/precious.txt <<<"data on a mounted filesystem: must survive"
