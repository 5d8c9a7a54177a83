#!/usr/bin/env bash
# shellcheck disable=SC2034 # KR_CLASS is read by the plant.sh helpers (kr_record)
# Planting script (extra scenario for test/sandbox/sandbox.sh): processes in PID namespaces of their own.
#  - a kind-style node: `kubelet` and `etcd` in a nested PID namespace, in a cgroup that is no pod's (user:
#    another node's processes, not this host's residue);
#  - a leaked pod of this host: its sandbox `pause` and a container process, each in the pod's own PID
#    namespace and in the pod's kubepods cgroup, left running after their shim was killed (residue).
# Binaries are copies of sleep under the real names, so comm is the real one.
# shellcheck source-path=SCRIPTDIR source=../sandbox/lib/plant.sh
. "$KR_SANDBOX_HOME/lib/plant.sh"

sleeper() {
  mkdir -p -- "$(dirname -- "$1")"
  cp -- "$(command -v sleep)" "$1"
}

# start_in_pidns NAME CGROUP_REL: run NAME (a sleep copy) as PID 1 of a new PID namespace, placed in CGROUP_REL
# of every hierarchy before it execs; prints the host pid of NAME.
start_in_pidns() {
  local exe=$1 rel=$2 root pid
  # The child stops itself until moved into its cgroup, then becomes the namespace's init.
  unshare --pid --fork --kill-child -- "$exe" 3600 </dev/null >/dev/null 2>&1 &
  local outer=$!
  for _ in $(seq 50); do
    pid=$(pgrep -P "$outer" -x "$(basename -- "$exe" | cut -c1-15)" || true)
    [[ -n $pid ]] && break
    sleep 0.1
  done
  [[ -n $pid ]] || kr_die "no $exe below unshare $outer"
  # A v1 cpuset cgroup without cpus takes no process (ENOSPC): any hierarchy that takes it is enough, since
  # /proc/PID/cgroup then names the pod cgroup.
  local placed=0
  while IFS= read -r root; do
    if echo "$pid" 2>/dev/null >"$root/$rel/cgroup.procs"; then placed=1; fi
  done < <(kr_cgroup_roots)
  [[ $placed == 1 ]] || kr_die "could not move $exe into $rel"
  echo "$pid"
}

KR_CLASS=user
sleeper /opt/kind-node/usr/bin/kubelet
sleeper /opt/kind-node/usr/local/bin/etcd
kr_cgroup system.slice/docker-kindnode.scope
start_in_pidns /opt/kind-node/usr/bin/kubelet system.slice/docker-kindnode.scope >/dev/null
start_in_pidns /opt/kind-node/usr/local/bin/etcd system.slice/docker-kindnode.scope >/dev/null
kr_record process kubelet
kr_record process etcd

KR_CLASS=residue
pod=kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$(kr_hex 8 pidns-pods/uid).slice
sleeper /opt/leaked-pod/pause
sleeper /opt/leaked-pod/coredns
kr_cgroup "$pod/cri-containerd-$(kr_hex 64 pidns-pods/sandbox).scope" "$pod/cri-containerd-$(kr_hex 64 pidns-pods/ctr).scope"
start_in_pidns /opt/leaked-pod/pause "$pod/cri-containerd-$(kr_hex 64 pidns-pods/sandbox).scope" >/dev/null
start_in_pidns /opt/leaked-pod/coredns "$pod/cri-containerd-$(kr_hex 64 pidns-pods/ctr).scope" >/dev/null
kr_record process pause
kr_record process coredns
