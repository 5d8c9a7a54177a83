# shellcheck shell=sh
# kr_containerd ADDRESS LABEL: sets kr_ctrd to 1 when containerd answers on ADDRESS (ctr version, bounded by both
# timeouts as the scan's ctr calls are), else to 0, and then refuses LABEL at run time: what only containerd can
# remove from its metadata (stopped containers, images) stays until it runs. The script never starts a daemon
# itself: a runtime that is stopped may be stopped on purpose, and starting it brings back whatever it restarts.
kr_containerd() {
  kr_ctrd=0
  if ! command -v ctr >/dev/null 2>&1; then
    kr_refuse "ctr (containerd's client) is not installed, so $2 cannot be removed from containerd's metadata"
  elif ctr --address "$1" --connect-timeout 5s --timeout 10s version >/dev/null 2>&1; then
    kr_ctrd=1
  else
    kr_refuse "containerd is not running (nothing answers on $1): start it, e.g. systemctl start containerd, and run kube-residue again; $2 stays in its metadata until then"
  fi
}

# kr_ctr ADDRESS ARGS...: ctr ARGS in containerd namespace k8s.io through ADDRESS (a failure is tolerated: already
# gone), only when the last kr_containerd found containerd answering.
kr_ctr() {
  if [ "$kr_ctrd" != 1 ]; then
    return 0
  fi
  kr_addr=$1
  shift
  run_may_fail ctr --address "$kr_addr" --connect-timeout 5s --timeout 30s --namespace k8s.io "$@"
}
