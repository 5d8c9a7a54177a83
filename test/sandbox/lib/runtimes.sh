# shellcheck shell=bash
# Real container runtimes inside kr-sandbox: Debian's containerd, dockerd and podman started INSIDE the sandbox
# (never on the host), with their state at the default paths (/var/lib/containerd, /run/containerd,
# /var/lib/docker, /var/lib/containers, ...) which the sandbox's overlays make private, images built from
# busybox-static (nothing can be pulled), pods created the way kubelet + containerd's CRI plugin lay them out,
# and their network set up by invoking the real CNI plugins as a runtime does.
#
# Source it in the command run by sandbox.sh, not in a planting script (the daemons belong to the command):
#
#   . "$KR_SANDBOX_HOME/lib/runtimes.sh"
#   kr_rt_init                                   # refuses to run outside the sandbox; traps EXIT -> kr_rt_stop_all
#   kr_rt_start_containerd                       # /run/containerd/containerd.sock, CRI plugin loaded
#   kr_rt_import_busybox_ctr k8s.io              # docker.io/library/busybox:1.35 + registry.k8s.io/pause:3.9
#   sb=$(kr_rt_k8s_pod --name web-0 --namespace default --port 8080:80 --container web='httpd -f -p 80')
#   kr_rt_kill_containerd                        # SIGKILL: shims, pods and their state stay behind
#   kr_rt_start_dockerd                          # shares /run/containerd (namespace moby) as Debian's unit does
#   kr_rt_docker run -d -p 8081:80 kr/busybox:1.35 httpd -f -p 80
#   kr_rt_podman run -d -p 8082:80 localhost/kr/busybox:1.35 httpd -f -p 80
#   kr_rt_stop_all                               # also run by the EXIT trap
#
# Everything a function creates that a scan must report (class residue) or must leave alone (class user) is
# appended to $KR_SANDBOX_DIR/planted.tsv in the harness's manifest format (README: Manifest).
#
# Things that are global in the kernel are kept away from the host: daemons run with a PATH whose modprobe is a
# stub (no module is ever loaded for them), dockerd's kernel.keys.root_maxkeys/root_maxbytes writes land on
# files bind-mounted over those sysctls in the sandbox's mount namespace, and AppArmor reads as disabled (no
# profile is loaded). Cgroups the runtimes create are below the sandbox's own cgroup (cgroup namespace) and go
# away with it; every process (daemons, shims, containers) dies with the sandbox's PID namespace.

: "${KR_SANDBOX_DIR:?KR_SANDBOX_DIR not set: source runtimes.sh in a command run by sandbox.sh}"
KR_RT_LIB_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# Scratch space of the harness: /tmp is a fresh tmpfs inside the sandbox.
KR_RT_DIR=${KR_RT_DIR:-/tmp/kr-rt}
# Debian installs the CNI plugins in /usr/lib/cni (containernetworking-plugins); upstream uses /opt/cni/bin.
KR_RT_CNI_PATH=${KR_RT_CNI_PATH:-/usr/lib/cni}
# A nested overlay cannot use the sandbox's overlayfs /var as its upper layer, so containerd, dockerd and podman
# use their copying snapshotters/drivers. The rootfs of a task is then a bind mount instead of an overlay mount,
# at the same path.
KR_RT_SNAPSHOTTER=${KR_RT_SNAPSHOTTER:-native}
KR_RT_STORAGE_DRIVER=${KR_RT_STORAGE_DRIVER:-vfs}
KR_RT_TIMEOUT=${KR_RT_TIMEOUT:-60}
KR_RT_IMAGE=${KR_RT_IMAGE:-docker.io/library/busybox:1.35}
KR_RT_PAUSE_IMAGE=${KR_RT_PAUSE_IMAGE:-registry.k8s.io/pause:3.9}
KR_RT_SCENARIO=${KR_RT_SCENARIO:-runtimes}
KR_RT_INITIALISED=${KR_RT_INITIALISED:-0}

kr_rt_log() { printf '[kr-rt] %s\n' "$*" >&2; }
# kr_rt_phase NAME: log NAME with the seconds since the script started (where a slow test spends its time).
kr_rt_phase() { printf '[kr-rt] %4ds %s\n' "$SECONDS" "$*" >&2; }
kr_rt_die() {
  printf '[kr-rt] ERROR: %s\n' "$*" >&2
  return 1
}

# kr_rt_section NAME: start an output section (parsed by parseSections in runtimes.ts). The previous section's
# output must end with a newline (a marker only counts at the start of a line): `cat f.json; echo`.
kr_rt_section() { printf '=====KR:%s=====\n' "$1"; }

# kr_rt_record CLASS KIND ID: one manifest line (scenario TAB class TAB kind TAB id).
kr_rt_record() {
  printf '%s\t%s\t%s\t%s\n' "$KR_RT_SCENARIO" "$1" "$2" "$3" >>"$KR_SANDBOX_DIR/planted.tsv"
}

kr_rt_mount_fstype() {
  awk -v mp="$1" '{ for (i = 7; $i != "-"; i++) { }; if ($5 == mp) t = $(i + 1) } END { print t }' /proc/self/mountinfo
}

# Refuse to start anything unless this is a kr-sandbox (its hostname, overlays on the system dirs, tmpfs /tmp).
kr_rt_require_sandbox() {
  local d t
  [[ ${KR_SANDBOX-} == 1 ]] || kr_rt_die "KR_SANDBOX is not 1: refusing to start runtimes outside the sandbox" || return 1
  [[ $(</proc/sys/kernel/hostname) == kr-sandbox ]] || kr_rt_die "hostname is not kr-sandbox: refusing" || return 1
  for d in /etc /var /opt /usr /run /root; do
    t=$(kr_rt_mount_fstype "$d")
    [[ $t == overlay ]] || kr_rt_die "$d is not a sandbox overlay (fstype '$t'): refusing" || return 1
  done
  t=$(kr_rt_mount_fstype /tmp)
  [[ $t == tmpfs ]] || kr_rt_die "/tmp is not a sandbox tmpfs: refusing" || return 1
}

# kr_rt_wait SECONDS COMMAND...: retry COMMAND every 0.1 s until it succeeds or SECONDS pass.
kr_rt_wait() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# kr_rt_hex N: N random lowercase hex digits (container ids are random in real life too).
kr_rt_hex() {
  local h=""
  while ((${#h} < $1)); do
    h+=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  done
  printf '%s\n' "${h:0:$1}"
}

kr_rt_uuid() {
  local h
  h=$(kr_rt_hex 32)
  printf '%s-%s-4%s-a%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"
}

kr_rt_arch() {
  case $(uname -m) in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    armv7l) echo arm ;;
    *) uname -m ;;
  esac
}

# Set up scratch dirs, the modprobe stub and the sysctl guards; stop everything on exit.
kr_rt_init() {
  local f
  kr_rt_require_sandbox || return 1
  [[ $KR_RT_INITIALISED == 1 ]] && return 0
  mkdir -p "$KR_RT_DIR"/{bin,log,run,image}
  # Daemons call modprobe (dockerd: br_netfilter, overlay; podman/CNI rarely): modules are global, so a stub.
  printf '#!/bin/sh\necho "kr-rt stub: modprobe $*" >&2\nexit 0\n' >"$KR_RT_DIR/bin/modprobe"
  chmod 0755 "$KR_RT_DIR/bin/modprobe"
  export PATH="$KR_RT_DIR/bin:$PATH"
  # dockerd raises kernel.keys.root_maxkeys/root_maxbytes (global sysctls) when they are low: give it files.
  for f in /proc/sys/kernel/keys/root_maxkeys /proc/sys/kernel/keys/root_maxbytes; do
    [[ -e $f ]] || continue
    cat "$f" >"$KR_RT_DIR/run/${f##*/}"
    mount --bind "$KR_RT_DIR/run/${f##*/}" "$f"
  done
  # dockerd, podman and runc load AppArmor profiles (docker-default, containers-default) into the kernel when
  # AppArmor is on: kernel-wide, and left loaded. They decide by this file; inside the sandbox it says N.
  if [[ -f /sys/module/apparmor/parameters/enabled ]]; then
    echo N >"$KR_RT_DIR/run/apparmor-enabled"
    mount --bind "$KR_RT_DIR/run/apparmor-enabled" /sys/module/apparmor/parameters/enabled
  fi
  kr_rt_cgroup2_leaf
  kr_rt_fresh_host
  KR_RT_INITIALISED=1
  trap 'kr_rt_stop_all' EXIT
}

# On a cgroup2-only host runc has to enable controllers for the pods' and containers' cgroups in the sandbox's
# root cgroup, which cgroup2 refuses while processes live there ("no internal processes"): move them into a leaf
# cgroup first, as Docker-in-Docker's entrypoint does. (A hybrid host such as this project's CI VM mounts v1
# controllers and needs nothing.)
kr_rt_cgroup2_leaf() {
  local root=/sys/fs/cgroup pid c
  [[ $(kr_rt_mount_fstype "$root") == cgroup2 ]] || return 0
  mkdir -p "$root/kr-init"
  for _ in 1 2 3 4 5; do
    [[ -s $root/cgroup.procs ]] || break
    while read -r pid; do
      echo "$pid" >"$root/kr-init/cgroup.procs" 2>/dev/null || true
    done <"$root/cgroup.procs"
  done
  for c in $(<"$root/cgroup.controllers"); do
    echo "+$c" >"$root/cgroup.subtree_control" 2>/dev/null || kr_rt_log "cannot enable the $c controller for containers"
  done
}

# What the machine's own runtimes and Kubernetes keep at run time (not shipped by a package). When the sandbox
# shows the machine's runtime files (sandbox.sh --keep-host-runtime, which runWithRuntimes uses so that the
# packages' own configuration and units are there, as on a host with the packages installed), these are still
# the state of the machine's own daemons: removed inside the sandbox (whiteouts in the overlays; the host is
# untouched), so a test starts from a freshly installed host whatever ran on this machine.
KR_RT_MACHINE_STATE=(
  /var/lib/containerd /var/lib/docker /var/lib/containers /var/lib/cni /var/lib/crio /var/lib/kubelet
  /var/lib/dockershim /var/lib/cri-dockerd /var/log/pods /var/log/containers /etc/kubernetes /etc/crictl.yaml
  /run/containerd /run/docker /run/docker.sock /run/docker.pid /run/containers /run/podman /run/libpod /run/crio
  /run/netns /run/cni /opt/cni /opt/containerd
)

# kr_rt_fresh_host: remove (inside the sandbox) every KR_RT_MACHINE_STATE path no installed package ships.
kr_rt_fresh_host() {
  local p
  for p in "${KR_RT_MACHINE_STATE[@]}"; do
    [[ -e $p || -L $p ]] || continue
    if dpkg-query -S "$p" >/dev/null 2>&1 || rpm -qf "$p" >/dev/null 2>&1; then continue; fi
    rm -rf -- "$p"
    kr_rt_log "removed the machine's own runtime state $p (inside the sandbox)"
  done
}

# ------------------------------------------------------------------ images

# kr_rt_busybox_rootfs DIR: a root filesystem of busybox-static with its applets, /etc/passwd and group.
kr_rt_busybox_rootfs() {
  local dir=$1 bb applet
  bb=$(command -v busybox) || kr_rt_die "busybox not found (apt-get install busybox-static)" || return 1
  # The rootfs must not need a loader: only the static build will do.
  if LC_ALL=C file -L "$bb" 2>/dev/null | grep -q 'dynamically linked'; then
    kr_rt_die "$bb is dynamically linked: install busybox-static" || return 1
  fi
  mkdir -p "$dir"/{bin,sbin,etc,proc,sys,dev,tmp,root,var/www,usr/bin}
  chmod 1777 "$dir/tmp"
  cp "$bb" "$dir/bin/busybox"
  for applet in $("$bb" --list); do
    [[ $applet == busybox || -e $dir/bin/$applet ]] || ln -s busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
  echo 'kr-sandbox busybox' >"$dir/var/www/index.html"
}

# kr_rt_busybox_tar FILE: the busybox rootfs as a plain tar (docker import, podman import). Cached.
kr_rt_busybox_tar() {
  local out=$1 root=$KR_RT_DIR/image/rootfs
  if [[ ! -f $KR_RT_DIR/image/rootfs.tar ]]; then
    rm -rf "$root"
    kr_rt_busybox_rootfs "$root" || return 1
    tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$KR_RT_DIR/image/rootfs.tar" .
  fi
  [[ $out == "$KR_RT_DIR/image/rootfs.tar" ]] || cp "$KR_RT_DIR/image/rootfs.tar" "$out"
}

kr_rt_sha256() { sha256sum "$1" | cut -c1-64; }

# kr_rt_busybox_oci FILE REF...: an OCI image archive (oci-layout, index.json, blobs) of the busybox rootfs,
# tagged with every REF, for `ctr images import`.
kr_rt_busybox_oci() {
  local out=$1 dir=$KR_RT_DIR/image/oci layer cfg man ldig cdig mdig arch ref manifests="" sep=""
  shift
  kr_rt_busybox_tar "$KR_RT_DIR/image/rootfs.tar" || return 1
  rm -rf "$dir"
  mkdir -p "$dir/blobs/sha256"
  layer=$KR_RT_DIR/image/rootfs.tar
  ldig=$(kr_rt_sha256 "$layer")
  cp "$layer" "$dir/blobs/sha256/$ldig"
  arch=$(kr_rt_arch)
  cfg=$dir/config.json
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"kube-residue test harness: busybox-static"}]}' \
    "$arch" "$ldig" >"$cfg"
  cdig=$(kr_rt_sha256 "$cfg")
  man=$dir/manifest.json
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%d}]}' \
    "$cdig" "$(stat -c %s "$cfg")" "$ldig" "$(stat -c %s "$layer")" >"$man"
  mdig=$(kr_rt_sha256 "$man")
  mv "$cfg" "$dir/blobs/sha256/$cdig"
  for ref in "$@"; do
    manifests+=$(printf '%s{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"},"platform":{"architecture":"%s","os":"linux"}}' \
      "$sep" "$mdig" "$(stat -c %s "$man")" "$ref" "${ref##*:}" "$arch")
    sep=,
  done
  mv "$man" "$dir/blobs/sha256/$mdig"
  printf '{"schemaVersion":2,"manifests":[%s]}' "$manifests" >"$dir/index.json"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  tar -C "$dir" -cf "$out" oci-layout index.json blobs
}

# ------------------------------------------------------------------ containerd

kr_rt_ctr() {
  timeout "$KR_RT_TIMEOUT" ctr --address /run/containerd/containerd.sock --connect-timeout 5s "$@"
}

# kr_rt_start_containerd [--no-cri]: containerd with its own config (written to $KR_RT_DIR, not /etc), root
# /var/lib/containerd, state /run/containerd, socket /run/containerd/containerd.sock. The CRI plugin loads (as
# with Debian's config) unless --no-cri; it uses /usr/lib/cni and /etc/cni/net.d.
# shellcheck disable=SC2120 # optional argument
kr_rt_start_containerd() {
  local cfg=$KR_RT_DIR/containerd.toml disabled="" pid
  [[ ${1-} == --no-cri ]] && disabled='"io.containerd.grpc.v1.cri"'
  kr_rt_init || return 1
  if [[ -f $KR_RT_DIR/run/containerd.pid ]] && kill -0 "$(<"$KR_RT_DIR/run/containerd.pid")" 2>/dev/null; then
    return 0
  fi
  cat >"$cfg" <<EOF
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = [$disabled]
[grpc]
  address = "/run/containerd/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$KR_RT_PAUSE_IMAGE"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "$KR_RT_SNAPSHOTTER"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$KR_RT_CNI_PATH"
    conf_dir = "/etc/cni/net.d"
EOF
  containerd --config "$cfg" </dev/null >>"$KR_RT_DIR/log/containerd.log" 2>&1 &
  pid=$!
  echo "$pid" >"$KR_RT_DIR/run/containerd.pid"
  if ! kr_rt_wait 30 kr_rt_ctr version; then
    tail -n 30 "$KR_RT_DIR/log/containerd.log" >&2
    kr_rt_die "containerd did not come up" || return 1
  fi
  kr_rt_log "containerd pid $pid"
}

kr_rt_containerd_pid() { cat "$KR_RT_DIR/run/containerd.pid" 2>/dev/null; }

# kr_rt_kill_containerd: SIGKILL containerd (a crash, an OOM kill, `systemctl kill -s KILL`): shims and their
# containers keep running, nothing is cleaned up.
kr_rt_kill_containerd() {
  local pid
  pid=$(kr_rt_containerd_pid) || return 0
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$KR_RT_DIR/run/containerd.pid"
  kr_rt_log "containerd $pid killed"
}

# kr_rt_import_busybox_ctr NAMESPACE [REF...]: import the busybox OCI archive into containerd under REF...
# (default $KR_RT_IMAGE and $KR_RT_PAUSE_IMAGE).
kr_rt_import_busybox_ctr() {
  local ns=$1 archive=$KR_RT_DIR/image/busybox-oci.tar
  shift
  (($# > 0)) || set -- "$KR_RT_IMAGE" "$KR_RT_PAUSE_IMAGE"
  kr_rt_busybox_oci "$archive" "$@" || return 1
  kr_rt_ctr -n "$ns" images import --snapshotter "$KR_RT_SNAPSHOTTER" "$archive" >/dev/null ||
    kr_rt_die "ctr images import failed" || return 1
}

# ------------------------------------------------------------------ CNI

# kr_rt_cni_conflist NAME BRIDGE SUBNET: a conflist like a Kubernetes node's (bridge + host-local + portmap),
# printed on stdout.
kr_rt_cni_conflist() {
  cat <<EOF
{
  "cniVersion": "0.4.0",
  "name": "$1",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$2",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "$3" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
}

# kr_rt_cni COMMAND CONFLIST CONTAINERID NETNS IFNAME [PORTMAPPINGS_JSON]: run the conflist's plugins the way a
# runtime (libcni) does (lib/cni-exec.mjs: CNI_* environment, config on stdin, prevResult chained, runtimeConfig
# for declared capabilities, libcni's /var/lib/cni/results cache). Prints the final result on ADD.
# KR_RT_CNI_POD_NS / KR_RT_CNI_POD_NAME fill CNI_ARGS as the CRI plugin does.
kr_rt_cni() {
  KR_CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=${KR_RT_CNI_POD_NS-};K8S_POD_NAME=${KR_RT_CNI_POD_NAME-};K8S_POD_INFRA_CONTAINER_ID=$3" \
    CNI_PATH=$KR_RT_CNI_PATH KR_CNI_TIMEOUT_MS=$((KR_RT_TIMEOUT * 1000)) \
    node "$KR_RT_LIB_DIR/cni-exec.mjs" "$@"
}

# ------------------------------------------------------------------ Kubernetes pods on containerd

# The CNI network pods join; written to /etc/cni/net.d like a CNI installer (or kubeadm docs) would.
KR_RT_K8S_NET=${KR_RT_K8S_NET:-k8s-pod-network}
KR_RT_K8S_BRIDGE=${KR_RT_K8S_BRIDGE:-cni0}
KR_RT_K8S_SUBNET=${KR_RT_K8S_SUBNET:-10.244.0.0/24}
KR_RT_K8S_CONFLIST=${KR_RT_K8S_CONFLIST:-/etc/cni/net.d/10-containerd-net.conflist}

kr_rt_k8s_network() {
  if [[ ! -f $KR_RT_K8S_CONFLIST ]]; then
    mkdir -p "$(dirname -- "$KR_RT_K8S_CONFLIST")"
    kr_rt_cni_conflist "$KR_RT_K8S_NET" "$KR_RT_K8S_BRIDGE" "$KR_RT_K8S_SUBNET" >"$KR_RT_K8S_CONFLIST"
    kr_rt_record residue path "$KR_RT_K8S_CONFLIST"
  fi
}

# kr_rt_k8s_pod --name NAME [--namespace NS] [--uid UID] [--qos besteffort|burstable|guaranteed]
#   [--host-network] [--port HOSTPORT:CONTAINERPORT]... --container NAME=COMMAND [--container ...]
# A pod as kubelet + containerd's CRI plugin create it, in containerd namespace k8s.io: the sandbox container
# (image $KR_RT_PAUSE_IMAGE running busybox `sh` + `sleep`, which exit on SIGTERM/SIGINT as pause does) with
# the CRI annotations and kubelet's labels, its netns /run/netns/cni-<uuid> set up by the real loopback,
# bridge, host-local and portmap plugins (unless --host-network), the sandbox's shm tmpfs, hostname/hosts/resolv.conf, and one container per
# --container (COMMAND run by sh -c in $KR_RT_IMAGE) joining the pod's netns, with cgroupfs-driver cgroups
# /kubepods[/QOS]/pod<uid>/<id> and kubelet's log layout (/var/log/pods/NS_NAME_UID/CONTAINER/0.log and the
# /var/log/containers symlink). Needs containerd running and the images imported (kr_rt_import_busybox_ctr
# k8s.io). Prints the sandbox id; records every object in the manifest (class residue).
kr_rt_k8s_pod() {
  local name="" ns=default uid="" qos=besteffort hostnet=0 ports="" c cname ccmd sid netns="" nsname cg
  local -a containers=() portlist=()
  while (($# > 0)); do
    case $1 in
      --name) name=$2; shift 2 ;;
      --namespace) ns=$2; shift 2 ;;
      --uid) uid=$2; shift 2 ;;
      --qos) qos=$2; shift 2 ;;
      --host-network) hostnet=1; shift ;;
      --port) portlist+=("$2"); shift 2 ;;
      --container) containers+=("$2"); shift 2 ;;
      *) kr_rt_die "kr_rt_k8s_pod: unknown argument $1" || return 1 ;;
    esac
  done
  [[ -n $name ]] || kr_rt_die "kr_rt_k8s_pod: --name is required" || return 1
  [[ -n $uid ]] || uid=$(kr_rt_uuid)
  case $qos in
    besteffort | burstable) cg=/kubepods/$qos/pod$uid ;;
    guaranteed) cg=/kubepods/pod$uid ;;
    *) kr_rt_die "kr_rt_k8s_pod: bad --qos $qos" || return 1 ;;
  esac
  sid=$(kr_rt_hex 64)
  local logdir=/var/log/pods/${ns}_${name}_${uid}
  local sbroot=/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/$sid
  local sbstate=/run/containerd/io.containerd.grpc.v1.cri/sandboxes/$sid
  mkdir -p "$logdir" "$sbroot" "$sbstate/shm"
  mount -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=65536k shm "$sbstate/shm"
  kr_rt_record residue mount "$sbstate/shm"
  echo "$name" >"$sbroot/hostname"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$sbroot/hosts"
  printf 'nameserver 10.96.0.10\nsearch %s.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n' "$ns" >"$sbroot/resolv.conf"
  kr_rt_record residue path "$logdir"

  local -a common=(--snapshotter "$KR_RT_SNAPSHOTTER"
    --label "io.kubernetes.pod.name=$name" --label "io.kubernetes.pod.namespace=$ns" --label "io.kubernetes.pod.uid=$uid"
    --annotation "io.kubernetes.cri.sandbox-id=$sid" --annotation "io.kubernetes.cri.sandbox-name=$name"
    --annotation "io.kubernetes.cri.sandbox-namespace=$ns")
  local -a netargs=()
  if [[ $hostnet == 1 ]]; then
    netargs=(--net-host)
  else
    kr_rt_k8s_network
    kr_rt_snapshot "pod-$sid"
    nsname=cni-$(kr_rt_uuid)
    ip netns add "$nsname"
    netns=/run/netns/$nsname
    local p hp cp sep=""
    ports="["
    for p in "${portlist[@]}"; do
      hp=${p%%:*}
      cp=${p#*:}
      ports+="$sep{\"hostPort\":$hp,\"containerPort\":$cp,\"protocol\":\"tcp\",\"hostIP\":\"\"}"
      sep=,
    done
    ports+="]"
    # The CRI plugin sets up loopback first, then the pod network (go-cni: WithLoNetwork + WithDefaultConf).
    printf '{"cniVersion":"0.4.0","name":"cni-loopback","plugins":[{"type":"loopback"}]}' >"$KR_RT_DIR/run/loopback.conflist"
    kr_rt_cni ADD "$KR_RT_DIR/run/loopback.conflist" "$sid" "$netns" lo >/dev/null || return 1
    KR_RT_CNI_POD_NS=$ns KR_RT_CNI_POD_NAME=$name kr_rt_cni ADD "$KR_RT_K8S_CONFLIST" "$sid" "$netns" eth0 "$ports" \
      >"$sbroot/cni-result.json" || return 1
    local ipres
    # The first address of the result ({"ips":[{...,"address":"10.244.0.2/24",...}]}): host-local's reservation.
    ipres=$(grep -o '"address":"[^"/]*' "$sbroot/cni-result.json" | head -n 1 | cut -d'"' -f4)
    [[ -n $ipres ]] || kr_rt_die "no address in the CNI result of $ns/$name" || return 1
    kr_rt_record residue path "/var/lib/cni/networks/$KR_RT_K8S_NET/$ipres"
    kr_rt_record residue path "/var/lib/cni/results/$KR_RT_K8S_NET-$sid-eth0"
    # The netns, cni0 (first pod), the veth, and the bridge's and portmap's chains.
    kr_rt_record_new residue "pod-$sid"
    netargs=(--with-ns "network:$netns")
  fi

  # The pod sandbox ("pause") container.
  kr_rt_ctr -n k8s.io run -d "${common[@]}" "${netargs[@]}" \
    --cgroup "$cg/$sid" \
    --mount "type=bind,src=$sbstate/shm,dst=/dev/shm,options=rbind:rw" \
    --label io.cri-containerd.kind=sandbox \
    --annotation io.kubernetes.cri.container-type=sandbox \
    --annotation "io.kubernetes.cri.sandbox-log-directory=$logdir" \
    "$KR_RT_PAUSE_IMAGE" "$sid" sh -c 'trap "exit 0" TERM INT; sleep 2147483647 & wait' >/dev/null ||
    kr_rt_die "ctr run of the sandbox of $ns/$name failed" || return 1
  kr_rt_k8s_recorded_task "$sid" "$cg/$sid"

  for c in "${containers[@]}"; do
    cname=${c%%=*}
    ccmd=${c#*=}
    local cid log
    cid=$(kr_rt_hex 64)
    mkdir -p "$logdir/$cname"
    log=$logdir/$cname/0.log
    # One `ctr run` (create + start, as the CRI plugin's CreateContainer + StartContainer): `ctr containers
    # create` cannot set the cgroup path, which would then be containerd's /k8s.io/<id> instead of kubelet's.
    mkdir -p "/var/lib/containerd/io.containerd.grpc.v1.cri/containers/$cid"
    kr_rt_ctr -n k8s.io run -d "${common[@]}" "${netargs[@]}" \
      --cgroup "$cg/$cid" --log-uri "file://$log" \
      --mount "type=bind,src=$sbstate/shm,dst=/dev/shm,options=rbind:rw" \
      --label io.cri-containerd.kind=container \
      --label "io.kubernetes.container.name=$cname" \
      --annotation io.kubernetes.cri.container-type=container \
      --annotation "io.kubernetes.cri.container-name=$cname" \
      --annotation "io.kubernetes.cri.image-name=$KR_RT_IMAGE" \
      "$KR_RT_IMAGE" "$cid" sh -c "$ccmd" >/dev/null ||
      kr_rt_die "ctr run of container $ns/$name/$cname failed" || return 1
    mkdir -p /var/log/containers
    ln -sf "$log" "/var/log/containers/${name}_${ns}_${cname}-${cid}.log"
    kr_rt_record residue path "$log"
    kr_rt_record residue path "/var/log/containers/${name}_${ns}_${cname}-${cid}.log"
    kr_rt_k8s_recorded_task "$cid" "$cg/$cid"
  done
  printf '%s\n' "$sid"
}

# Manifest entries of one running k8s.io task: its bundle, rootfs mount, cgroups and process.
kr_rt_k8s_recorded_task() {
  local id=$1 cgpath=$2 bundle=/run/containerd/io.containerd.runtime.v2.task/k8s.io/$1 d pid comm
  kr_rt_record residue path "$bundle"
  kr_rt_record residue mount "$bundle/rootfs"
  for d in /sys/fs/cgroup/*/; do
    [[ -d $d$cgpath ]] && kr_rt_record residue cgroup "${d%/}$cgpath"
  done
  pid=$(cat "$bundle/init.pid" 2>/dev/null) || return 0
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 0
  kr_rt_record residue process "$comm"
}

# ------------------------------------------------------------------ dockerd

kr_rt_docker() { timeout "$KR_RT_TIMEOUT" docker -H unix:///run/docker.sock "$@"; }

# kr_rt_start_dockerd [--own-containerd]: dockerd as Debian's docker.service runs it (sharing
# /run/containerd/containerd.sock, namespace moby; starts containerd first if needed), or with
# --own-containerd the containerd dockerd supervises itself (/run/docker/containerd). Storage driver
# $KR_RT_STORAGE_DRIVER; data in /var/lib/docker. Imports the busybox rootfs as kr/busybox:1.35.
kr_rt_start_dockerd() {
  local -a args=(--data-root /var/lib/docker --exec-root /run/docker --pidfile /run/docker.pid
    -H unix:///run/docker.sock --storage-driver "$KR_RT_STORAGE_DRIVER")
  local pid
  kr_rt_init || return 1
  if [[ ${1-} != --own-containerd ]]; then
    # shellcheck disable=SC2119 # no --no-cri: dockerd does not mind the CRI plugin
    kr_rt_start_containerd || return 1
    args+=(--containerd /run/containerd/containerd.sock)
  fi
  dockerd "${args[@]}" </dev/null >>"$KR_RT_DIR/log/dockerd.log" 2>&1 &
  pid=$!
  echo "$pid" >"$KR_RT_DIR/run/dockerd.pid"
  if ! kr_rt_wait 60 kr_rt_docker version; then
    tail -n 30 "$KR_RT_DIR/log/dockerd.log" >&2
    kr_rt_die "dockerd did not come up" || return 1
  fi
  kr_rt_busybox_tar "$KR_RT_DIR/image/rootfs.tar" || return 1
  kr_rt_docker import "$KR_RT_DIR/image/rootfs.tar" kr/busybox:1.35 >/dev/null || kr_rt_die "docker import failed" || return 1
  kr_rt_record user path /var/lib/docker
  kr_rt_log "dockerd pid $pid"
}

# ------------------------------------------------------------------ podman

# podman is daemonless: every call gets the options a rootful podman needs here (cgroupfs manager: no systemd;
# file events: no journald; $KR_RT_STORAGE_DRIVER storage; runc). Network backend: Debian 12's podman 4.3
# default (CNI with /etc/cni/net.d/87-podman-bridge.conflist when netavark is not installed).
kr_rt_podman() {
  timeout "$KR_RT_TIMEOUT" podman --cgroup-manager=cgroupfs --events-backend=file \
    --storage-driver="$KR_RT_STORAGE_DRIVER" --runtime=runc "$@"
}

# kr_rt_start_podman: podman ready to run containers, with the busybox rootfs imported as localhost/kr/busybox:1.35.
kr_rt_start_podman() {
  kr_rt_init || return 1
  kr_rt_busybox_tar "$KR_RT_DIR/image/rootfs.tar" || return 1
  kr_rt_podman import "$KR_RT_DIR/image/rootfs.tar" localhost/kr/busybox:1.35 >/dev/null ||
    kr_rt_die "podman import failed" || return 1
  kr_rt_record user path /var/lib/containers/storage
}

# ------------------------------------------------------------------ what the runtimes created

# kr_rt_chains: FAMILY/BACKEND/TABLE/CHAIN of every non-built-in iptables chain (ip, ip6; nft, legacy).
kr_rt_chains() {
  local fam backend cmd
  for fam in ip ip6; do
    for backend in nft legacy; do
      cmd=iptables-$backend-save
      [[ $fam == ip6 ]] && cmd=ip6tables-$backend-save
      command -v "$cmd" >/dev/null || continue
      "$cmd" 2>/dev/null | awk -v p="$fam/$backend" '
        /^\*/ { t = substr($0, 2) }
        /^:/ { c = substr($1, 2); if (c !~ /^(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)$/) print p "/" t "/" c }'
    done
  done | sort -u
}

# kr_rt_ports: PROTO/ADDR:PORT of every listening TCP and bound UDP socket ([::] for the IPv6 wildcard).
# containerd's CRI streaming server (a random 127.0.0.1 port) is left out: it comes and goes with containerd.
kr_rt_ports() {
  ss -H -l -n -t -p | awk '!/users:\(\("containerd",/ { print "tcp/" $4 }'
  ss -H -l -n -u -p | awk '!/users:\(\("containerd",/ { print "udp/" $4 }'
}

# kr_rt_snapshot NAME: remember the links, netns, chains and ports that exist now.
kr_rt_snapshot() {
  local d=$KR_RT_DIR/snap/$1
  mkdir -p "$d"
  find /sys/class/net -mindepth 1 -maxdepth 1 -printf '%f\n' | sort >"$d/interface"
  ip netns list 2>/dev/null | awk '{ print $1 }' | sort >"$d/netns"
  kr_rt_chains >"$d/iptables-chain"
  kr_rt_ports | sort -u >"$d/port"
}

# kr_rt_record_new CLASS NAME: record (manifest) every link, netns, chain and port that appeared since
# kr_rt_snapshot NAME, as CLASS (residue | user).
kr_rt_record_new() {
  local cls=$1 d=$KR_RT_DIR/snap/$2 now=$KR_RT_DIR/snap/$2.now kind id
  mkdir -p "$now"
  find /sys/class/net -mindepth 1 -maxdepth 1 -printf '%f\n' | sort >"$now/interface"
  ip netns list 2>/dev/null | awk '{ print $1 }' | sort >"$now/netns"
  kr_rt_chains >"$now/iptables-chain"
  kr_rt_ports | sort -u >"$now/port"
  for kind in interface netns iptables-chain port; do
    while IFS= read -r id; do
      [[ -n $id ]] && kr_rt_record "$cls" "$kind" "$id"
    done < <(comm -13 "$d/$kind" "$now/$kind")
  done
  rm -rf "$now"
}

# kr_rt_descendants PID...: the PIDs and all their descendants, one per line.
kr_rt_descendants() {
  local -a todo=("$@")
  local p c
  while ((${#todo[@]} > 0)); do
    p=${todo[0]}
    todo=("${todo[@]:1}")
    echo "$p"
    # shellcheck disable=SC2013 # the children files are space separated PIDs
    for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do todo+=("$c"); done
  done
}

# kr_rt_shim_pids NAMESPACE: containerd shims serving containerd namespace NAMESPACE (k8s.io, moby, ...).
kr_rt_shim_pids() {
  local f pid
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}
    pid=${pid%/cmdline}
    tr '\0' ' ' <"$f" 2>/dev/null | grep -q -- "^[^ ]*containerd-shim[^ ]* .*-namespace $1 " && echo "$pid"
  done
  return 0
}

# kr_rt_engine_pids k8s.io|moby|podman: every process of that engine's containers, shims/conmon included:
# `PID COMM` per line.
kr_rt_engine_pids() {
  local -a roots=()
  local pid
  case $1 in
    podman) mapfile -t roots < <(pgrep -x conmon || true) ;;
    *) mapfile -t roots < <(kr_rt_shim_pids "$1") ;;
  esac
  ((${#roots[@]} > 0)) || return 0
  for pid in $(kr_rt_descendants "${roots[@]}" | sort -un); do
    printf '%s %s\n' "$pid" "$(cat "/proc/$pid/comm" 2>/dev/null)"
  done
}

# ------------------------------------------------------------------ teardown

# kr_rt_stop_all: SIGKILL every process of the sandbox's PID namespace except this shell and its ancestors:
# daemons, shims, conmon, docker-proxy, containers. Nothing needs a graceful stop (the sandbox is thrown away,
# and a graceful dockerd stop waits 10 s per container); the sandbox kills its whole PID namespace and removes
# its cgroups anyway. This makes a test's end orderly and is safe to call twice. Prints nothing.
kr_rt_stop_all() {
  local pid p keep=" 1 $$ $BASHPID "
  p=$BASHPID
  while [[ $p != 0 && $p != 1 ]]; do
    p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || break
    keep+="$p "
  done
  for pid in /proc/[0-9]*; do
    pid=${pid#/proc/}
    [[ $keep == *" $pid "* ]] || kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$KR_RT_DIR"/run/*.pid
}
