#!/usr/bin/env bash
# shellcheck disable=SC2317 # cleanup/on_signal/inner_fail run from traps
# kr-sandbox: run a command inside a throw-away "dirty Kubernetes node" built
# from real kernel state (mounts, links, netfilter, cgroups, processes) in
# private mount/net/pid/uts/cgroup namespaces, without touching the host.
#
# Usage: sandbox.sh [--scenario NAME|FILE]... [--keep] -- COMMAND [ARGS...]
#        sandbox.sh --list
#
# See test/sandbox/README.md for the full contract. Exit status: the
# command's status; 125 when the harness itself or a planting script failed
# (the setup/planting log is then printed on stderr); 2 on usage errors.
set -euo pipefail

KR_SB_HOME=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
readonly KR_SB_HOME
readonly EX_HARNESS=125
# Directories that get a copy-on-write overlay inside the sandbox. /run comes
# first so nothing (e.g. libmount's utab) can be written to the host's /run.
readonly KR_OVERLAY_DIRS=(/run /etc /var /opt /usr /root)
# The machine's own container runtimes and Kubernetes bits (containerd, Docker, Podman, CNI plugins, CRI-O,
# kubelet...) would show through the overlays' lower layers and make a test's outcome depend on what the image
# has installed. They are hidden (whiteouts in the upper layers, the host is untouched) unless the caller asks
# for them with --keep-host-runtime or KR_SANDBOX_HOST_RUNTIME=keep (tests of an idle host with the packages).
# Binaries and the package database stay: without their configuration and state they decide nothing.
readonly KR_HOST_RUNTIME_PATHS=(
  /etc/containerd /etc/cni /etc/docker /etc/containers /etc/crio /etc/crictl.yaml /etc/nerdctl
  /etc/kubernetes /etc/default/kubelet /etc/default/docker /etc/apt/sources.list.d/kubernetes.list
  /var/lib/containerd /var/lib/docker /var/lib/containers /var/lib/cni /var/lib/crio /var/lib/kubelet
  /var/lib/dockershim /var/lib/cri-dockerd /var/log/pods /var/log/containers
  /run/containerd /run/docker /run/docker.sock /run/docker.pid /run/containers /run/podman /run/crio /run/netns
  /opt/cni /opt/containerd
)
# Unit names hidden in every unit directory and *.wants/*.requires link directory.
readonly KR_HOST_RUNTIME_UNITS=(
  containerd.service docker.service docker.socket podman.service podman.socket podman-auto-update.service
  podman-auto-update.timer podman-restart.service podman-kube@.service cni-dhcp.service cni-dhcp.socket
  crio.service kubelet.service cri-docker.service cri-docker.socket
)

# shellcheck source-path=SCRIPTDIR source=lib/cgroup.sh
. "$KR_SB_HOME/lib/cgroup.sh"

usage() {
  cat <<'EOF'
Usage: sandbox.sh [--scenario NAME|FILE]... [--keep] [--keep-host-runtime] -- COMMAND [ARGS...]
       sandbox.sh --list

Runs COMMAND in private mount+net+pid+uts+cgroup namespaces with overlays on
/etc /var /opt /usr /run /root, a fresh tmpfs on /tmp and /dev/shm, a fresh
sysfs and private cgroup roots, after planting the given scenarios (in order).

  --scenario NAME   plant test/sandbox/scenarios/NAME.sh (repeatable)
  --scenario FILE   plant an extra planting script (any argument with a '/')
  --keep            keep the work dir (printed on stderr at the end)
  --keep-host-runtime  do not hide this machine's container runtime and Kubernetes
                    configuration, state and units (hidden by default;
                    also KR_SANDBOX_HOST_RUNTIME=keep)
  --list            list the available scenarios

COMMAND sees KR_SANDBOX=1, KR_SANDBOX_DIR=<work dir>, TMPDIR=/tmp and runs in
the caller's working directory. Exit status: COMMAND's; 125 = harness or
planting failure (log printed on stderr); 2 = usage error.
EOF
}

die_usage() {
  echo "sandbox.sh: $*" >&2
  echo "Try 'sandbox.sh --help'." >&2
  exit 2
}

# ---------------------------------------------------------------- outer side

KR_CHILD=""
KR_WORK=""
KR_KEEP=0
KR_HOST_RUNTIME=${KR_SANDBOX_HOST_RUNTIME:-hide}
KR_CGROUPS=()
KR_CLEANED=0

cleanup() {
  local rc=$? dir failed=0
  [[ $KR_CLEANED == 0 ]] || return 0
  KR_CLEANED=1
  trap - EXIT INT TERM HUP
  if [[ -n $KR_CHILD ]]; then
    # unshare --kill-child turns this into SIGKILL for the namespace's init,
    # and the kernel then kills everything else in the PID namespace.
    kill -KILL "$KR_CHILD" 2>/dev/null || true
    wait "$KR_CHILD" 2>/dev/null || true
    KR_CHILD=""
  fi
  if ((${#KR_CGROUPS[@]} > 0)); then
    kr_cg_kill "${KR_CGROUPS[@]}" || failed=1
    for dir in "${KR_CGROUPS[@]}"; do
      kr_cg_remove "$dir" || failed=1
    done
  fi
  if [[ -n $KR_WORK && -d $KR_WORK ]]; then
    if [[ $KR_KEEP == 1 ]]; then
      : >"$KR_WORK/.kept"
      echo "kr-sandbox: kept work dir $KR_WORK" >&2
    else
      rm -rf -- "$KR_WORK" || failed=1
    fi
  fi
  if [[ $failed == 1 ]]; then
    echo "kr-sandbox: cleanup failed; run test/sandbox/cleanup-stale.sh" >&2
    [[ $rc != 0 ]] || rc=$EX_HARNESS
  fi
  exit "$rc"
}

on_signal() {
  # Make the EXIT trap report 128+signal.
  exit "$1"
}

harness_fail() {
  echo "kr-sandbox: $*" >&2
  exit "$EX_HARNESS"
}

resolve_scenario() {
  local s=$1
  if [[ $s == */* ]]; then
    [[ -f $s ]] || die_usage "scenario file not found: $s"
    printf '%s\n' "$(cd -- "$(dirname -- "$s")" && pwd -P)/$(basename -- "$s")"
  else
    [[ $s =~ ^[a-z0-9][a-z0-9-]*$ ]] || die_usage "bad scenario name: $s"
    [[ -f $KR_SB_HOME/scenarios/$s.sh ]] || die_usage "unknown scenario: $s (see --list)"
    printf '%s\n' "$KR_SB_HOME/scenarios/$s.sh"
  fi
}

# Creates kr-sandbox-$$ below our current cgroup in every hierarchy and writes
# the layout the inner side has to mirror to $KR_WORK/cgroups.tsv.
create_cgroups() {
  local mp fstype super root cur dir rel opts f name
  : >"$KR_WORK/cgroups.tsv"
  while IFS=$'\t' read -r mp fstype super root; do
    cur=$(kr_cg_current_path "$fstype" "$super") ||
      harness_fail "cannot find our cgroup in $mp"
    if [[ $root != / ]]; then
      [[ $cur == "$root" || $cur == "$root"/* ]] ||
        harness_fail "cgroup $cur not below mount root $root of $mp"
      cur=${cur#"$root"}
    fi
    dir="${mp}${cur%/}/kr-sandbox-$$"
    if [[ $fstype == cgroup ]]; then
      opts=$(kr_cg_controllers "$super")
      [[ -n $opts ]] || continue
    else
      opts=""
    fi
    mkdir "$dir" || harness_fail "cannot create cgroup $dir"
    KR_CGROUPS+=("$dir")
    # A new v1 cpuset starts with no cpus/mems; nothing could run in it.
    for f in cpuset.cpus cpuset.mems; do
      if [[ -f $dir/$f && -z $(<"$dir/$f") ]]; then
        cat "$dir/../$f" >"$dir/$f"
      fi
    done
    rel=${mp#/sys/fs/cgroup}
    rel=${rel#/}
    printf 'mount\t%s\t%s\t%s\n' "$rel" "$fstype" "$opts" >>"$KR_WORK/cgroups.tsv"
  done < <(kr_cg_hierarchies)
  ((${#KR_CGROUPS[@]} > 0)) || harness_fail "no cgroup hierarchy found under /sys/fs/cgroup"
  printf '%s\n' "${KR_CGROUPS[@]}" >"$KR_WORK/cgroup-dirs"
  # Mirror symlinks such as cpu -> cpu,cpuacct of the host layout.
  if [[ $(awk '$5 == "/sys/fs/cgroup" { for (i = 7; $i != "-"; i++) { }; t = $(i + 1) } END { print t }' /proc/self/mountinfo) != cgroup2 ]]; then
    while IFS= read -r -d '' f; do
      name=$(basename -- "$f")
      printf 'link\t%s\t%s\t\n' "$name" "$(readlink -- "$f")" >>"$KR_WORK/cgroups.tsv"
    done < <(find /sys/fs/cgroup -mindepth 1 -maxdepth 1 -type l -print0)
  fi
}

outer_main() {
  local -a scenarios=() files=()
  local s f seen other
  while (($# > 0)); do
    case $1 in
      --scenario)
        (($# >= 2)) || die_usage "--scenario needs a value"
        scenarios+=("$2")
        shift 2
        ;;
      --scenario=*)
        scenarios+=("${1#--scenario=}")
        shift
        ;;
      --keep)
        KR_KEEP=1
        shift
        ;;
      --keep-host-runtime)
        KR_HOST_RUNTIME=keep
        shift
        ;;
      --list)
        for f in "$KR_SB_HOME"/scenarios/*.sh; do
          basename -- "$f" .sh
        done
        exit 0
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      --)
        shift
        break
        ;;
      *)
        die_usage "unexpected argument: $1 (the command goes after --)"
        ;;
    esac
  done
  (($# > 0)) || die_usage "no command given"
  for s in "${scenarios[@]}"; do
    f=$(resolve_scenario "$s")
    seen=0
    for other in "${files[@]}"; do
      [[ $other != "$f" ]] || seen=1
    done
    [[ $seen == 1 ]] || files+=("$f")
  done

  [[ $EUID == 0 ]] || harness_fail "must run as root"
  command -v unshare >/dev/null || harness_fail "unshare (util-linux) not found"

  trap cleanup EXIT
  trap 'on_signal 129' HUP
  trap 'on_signal 130' INT
  trap 'on_signal 143' TERM

  KR_WORK=$(mktemp -d "${TMPDIR:-/tmp}/kr-sandbox.XXXXXX") || harness_fail "mktemp failed"
  KR_WORK=$(cd -- "$KR_WORK" && pwd -P)
  chmod 0755 "$KR_WORK"
  echo "$$" >"$KR_WORK/owner.pid"
  : >"$KR_WORK/planted.tsv"
  : >"$KR_WORK/skipped.tsv"
  : >"$KR_WORK/sandbox.log"

  # Extra scenario files are copied into the work dir: their own location
  # (e.g. below /tmp) may be covered inside the sandbox.
  local i
  for i in "${!files[@]}"; do
    if [[ ${files[i]} != "$KR_SB_HOME/scenarios/"* ]]; then
      mkdir -p "$KR_WORK/scenarios/$i"
      cp -- "${files[i]}" "$KR_WORK/scenarios/$i/"
      files[i]=$KR_WORK/scenarios/$i/$(basename -- "${files[i]}")
    fi
  done

  create_cgroups

  local host_netns
  host_netns=$(stat -L -c %i /proc/self/ns/net)

  # The subshell moves itself into the private cgroups and then becomes
  # unshare, so the new cgroup namespace is rooted at kr-sandbox-$$. stdin is
  # redirected explicitly: a background job would otherwise get /dev/null.
  (
    for dir in "${KR_CGROUPS[@]}"; do
      echo "$BASHPID" >"$dir/cgroup.procs" || {
        echo "kr-sandbox: cannot move into cgroup $dir" >&2
        exit "$EX_HARNESS"
      }
    done
    export KR_SANDBOX_HOST_NETNS=$host_netns
    exec unshare --mount --net --pid --uts --cgroup --fork --mount-proc \
      --propagation private --kill-child \
      "$BASH" "$KR_SB_HOME/sandbox.sh" --inner "$KR_WORK" "$KR_HOST_RUNTIME" "${files[@]}" -- "$@"
  ) <&0 &
  KR_CHILD=$!
  local status=0
  wait "$KR_CHILD" || status=$?
  KR_CHILD=""
  exit "$status"
}

# ---------------------------------------------------------------- inner side
# Runs as PID 1 of the new PID namespace. Everything up to the command goes to
# $KR_WORK/sandbox.log; on failure that log is copied to the real stderr.

inner_fail() {
  local rc=$?
  trap - EXIT
  {
    echo "kr-sandbox: sandbox setup or planting failed (status $rc); log follows:"
    # fd 3 is the real work dir, even while its path is covered by a mount
    cat -- /proc/self/fd/3/sandbox.log 2>/dev/null || true
  } >&7
  exit "$EX_HARNESS"
}

# The fstype of the top-most mount at exactly $1 (empty when not a mount point).
mount_fstype() {
  awk -v mp="$1" '{ for (i = 7; $i != "-"; i++) { }; if ($5 == mp) t = $(i + 1) } END { print t }' /proc/self/mountinfo
}

# Is path $1 equal to or below directory $2?
path_under() {
  [[ $1 == "$2" || $1 == "$2"/* ]]
}

# reexpose FD DIR: bind the directory open on FD back over DIR when a mount
# (the fresh /tmp) has hidden it.
reexpose() {
  local fd=$1 dir=$2
  if [[ ! -d $dir || $(stat -L -c %d:%i "/proc/self/fd/$fd") != "$(stat -c %d:%i "$dir")" ]]; then
    mkdir -p "$dir"
    mount --no-canonicalize --bind "/proc/self/fd/$fd" "$dir"
  fi
}

# whiteout OVBASE HOSTPATH: hide HOSTPATH (present in the lower layer) in the overlay about to be mounted on
# the overlaid directory that contains it, with a whiteout (a 0:0 character device) in that overlay's upper
# dir. Directories on the way are created in the upper dir with the host's owner and mode.
whiteout() {
  local ovbase=$1 p=$2 d rel parent hostdir
  [[ -e $p || -L $p ]] || return 0
  for d in "${KR_OVERLAY_DIRS[@]}"; do
    if ! path_under "$p" "$d" || [[ $p == "$d" ]]; then
      continue
    fi
    [[ -d $d && ! -L $d ]] || return 0
    rel=${p#"$d"/}
    parent=$(dirname -- "$rel")
    if [[ $parent != . ]]; then
      hostdir=$d
      local seg
      local -a segs
      IFS=/ read -r -a segs <<<"$parent"
      for seg in "${segs[@]}"; do
        hostdir=$hostdir/$seg
        # A symlink on the way (e.g. /lib on a /usr-merged host): not below this overlay.
        [[ -d $hostdir && ! -L $hostdir ]] || return 0
      done
      mkdir -p "$ovbase/${d#/}/upper/$parent"
      hostdir=$d
      local updir=$ovbase/${d#/}/upper
      for seg in "${segs[@]}"; do
        hostdir=$hostdir/$seg
        updir=$updir/$seg
        chown --reference="$hostdir" "$updir" && chmod --reference="$hostdir" "$updir"
      done
    fi
    mknod "$ovbase/${d#/}/upper/$rel" c 0 0
    printf '%s\n' "$p" >>"$KR_WORK/hidden.txt"
    echo "hidden host runtime path: $p"
    return 0
  done
}

hide_host_runtime() {
  local ovbase=$1 p u dir
  for p in "${KR_HOST_RUNTIME_PATHS[@]}"; do
    whiteout "$ovbase" "$p"
  done
  for dir in /etc/systemd/system /usr/lib/systemd/system /usr/local/lib/systemd/system /run/systemd/system; do
    [[ -d $dir ]] || continue
    for u in "${KR_HOST_RUNTIME_UNITS[@]}"; do
      whiteout "$ovbase" "$dir/$u"
      whiteout "$ovbase" "$dir/$u.d"
      for p in "$dir"/*.wants/"$u" "$dir"/*.requires/"$u"; do
        [[ -e $p || -L $p ]] && whiteout "$ovbase" "$p"
      done
    done
  done
}

setup_mounts() {
  local d n ovbase="$KR_WORK/ov" under=0 kind rel fstype opts target

  echo kr-sandbox >/proc/sys/kernel/hostname
  ip link set lo up

  # Overlay upper/work dirs live in the work dir (so --keep shows what the
  # command changed), unless the work dir itself is below an overlaid or
  # tmpfs-covered directory: then they go to a private tmpfs.
  mkdir -p "$ovbase"
  for d in "${KR_OVERLAY_DIRS[@]}" /tmp /dev/shm; do
    if path_under "$KR_WORK" "$d"; then
      [[ $d == /tmp || $d == /dev/shm ]] || under=1
    fi
  done
  if [[ $under == 1 ]]; then
    mount -t tmpfs -o mode=0700 kr-sandbox-ov "$ovbase"
  fi
  for d in "${KR_OVERLAY_DIRS[@]}"; do
    [[ ! -d $d || -L $d ]] || mkdir -p "$ovbase/${d#/}/upper" "$ovbase/${d#/}/work"
  done
  : >"$KR_WORK/hidden.txt"
  if [[ $KR_HOST_RUNTIME == keep ]]; then
    echo "host runtime state kept visible (--keep-host-runtime)"
  else
    hide_host_runtime "$ovbase"
  fi
  for d in "${KR_OVERLAY_DIRS[@]}"; do
    if [[ ! -d $d || -L $d ]]; then
      echo "note: $d is not a directory on this host; no overlay"
      continue
    fi
    n=${d#/}
    mkdir -p "$ovbase/$n/upper" "$ovbase/$n/work"
    mount -t overlay overlay \
      -o "lowerdir=$d,upperdir=$ovbase/$n/upper,workdir=$ovbase/$n/work" "$d"
    echo "overlay on $d"
  done

  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
  # Make the work dir, the caller's directory (the project: a CI checkout may
  # live under /tmp) and this harness reachable at their own paths again: fds
  # 3, 4 and 5 still point at the real directories, whatever now covers them.
  reexpose 3 "$KR_WORK"
  reexpose 4 "$orig_pwd"
  reexpose 5 "$KR_SB_HOME"
  [[ -f $KR_WORK/owner.pid ]] || { echo "work dir not reachable inside the sandbox"; return 1; }
  mount -t tmpfs -o mode=1777,nosuid,nodev,noexec tmpfs /dev/shm
  # Drop the copies of the host's /sys mounts (private to this namespace)
  # so the mount table looks like a node's, then mount this netns's sysfs.
  umount -R -l /sys
  mount -t sysfs -o nosuid,nodev,noexec sysfs /sys

  # Cgroups: mirror the host layout, rooted at our kr-sandbox-<pid> cgroups.
  if grep -q $'^mount\t\t' "$KR_WORK/cgroups.tsv"; then
    mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 /sys/fs/cgroup
  else
    mount -t tmpfs -o mode=0755,nosuid,nodev,noexec cgroup /sys/fs/cgroup
    while IFS=$'\t' read -r kind rel fstype opts; do
      target=/sys/fs/cgroup/$rel
      if [[ $kind == link ]]; then
        ln -s -- "$fstype" "$target"
        continue
      fi
      mkdir -p "$target"
      if [[ $fstype == cgroup2 ]]; then
        mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$target"
      else
        mount -t cgroup -o "nosuid,nodev,noexec,$opts" cgroup "$target"
      fi
    done <"$KR_WORK/cgroups.tsv"
  fi
  echo "cgroups mounted: $(awk '$5 ~ /^\/sys\/fs\/cgroup/ { printf "%s ", $5 }' /proc/self/mountinfo)"

}

inner_main() {
  KR_WORK=$1
  KR_HOST_RUNTIME=$2
  shift 2
  local -a files=()
  while (($# > 0)) && [[ $1 != -- ]]; do
    files+=("$1")
    shift
  done
  shift # --
  local orig_pwd=$PWD f name

  exec 3<"$KR_WORK" 4<"$orig_pwd" 5<"$KR_SB_HOME"
  exec 6>&1 7>&2 >>"$KR_WORK/sandbox.log" 2>&1
  trap inner_fail EXIT

  echo "kr-sandbox: pid $$ in new namespaces; work dir $KR_WORK"
  setup_mounts

  export KR_SANDBOX=1 KR_SANDBOX_DIR=$KR_WORK TMPDIR=/tmp
  export KR_SANDBOX_HOME=$KR_SB_HOME
  local names=""
  for f in "${files[@]}"; do
    name=$(basename -- "$f" .sh)
    names+="${names:+ }$name"
    echo "== scenario $name ($f)"
    KR_SCENARIO=$name "$BASH" "$f" </dev/null 3<&- 4<&- 5<&- 6>&- 7>&-
  done
  export KR_SANDBOX_SCENARIOS=$names
  unset KR_SANDBOX_HOST_NETNS
  echo "== running: $*"

  cd -- "$orig_pwd" || { echo "working directory $orig_pwd is not visible inside the sandbox"; exit 1; }
  trap - EXIT
  exec 1>&6 2>&7 6>&- 7>&- 3<&- 4<&- 5<&-
  set +e
  "$@"
  exit $?
}

if [[ ${1-} == --inner ]]; then
  shift
  inner_main "$@"
else
  outer_main "$@"
fi
