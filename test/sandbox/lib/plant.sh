# shellcheck shell=bash
# Helpers for scenario planting scripts. Source it first thing:
#
#   . "$(dirname -- "${BASH_SOURCE[0]}")/../lib/plant.sh"
#
# Every helper records what it created in $KR_SANDBOX_DIR/planted.tsv:
#   scenario TAB class TAB kind TAB id
# class: "residue" (Kubernetes leftovers a scanner must report) or "user"
# (non-Kubernetes state a scanner must never report or touch).
# kind:  path | mount | cgroup | interface | netns | iptables-chain |
#        nft-table | ipset | process | port
# id:    path | mount point | cgroup dir | link name | netns name |
#        FAMILY/BACKEND/TABLE/CHAIN (ip|ip6, nft|legacy) | "FAMILY NAME" |
#        set name | comm | PROTO/ADDR:PORT (as listened on: [::] is dual stack)
# Optional items the kernel cannot provide are logged as "SKIP: ..." and
# recorded in $KR_SANDBOX_DIR/skipped.tsv (scenario TAB kind TAB id TAB reason).
set -euo pipefail
umask 022

: "${KR_SCENARIO:?KR_SCENARIO not set: run planting scripts through sandbox.sh}"
: "${KR_SANDBOX_DIR:?KR_SANDBOX_DIR not set: run planting scripts through sandbox.sh}"
KR_CLASS=${KR_CLASS:-residue}
KR_LIB_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)

# Paths a planting script may write to (all private inside the sandbox).
KR_PLANT_ROOTS=(/etc /var /opt /usr /run /root /tmp /sys/fs/cgroup)

kr_log() { printf '[%s] %s\n' "$KR_SCENARIO" "$*"; }
kr_die() {
  printf '[%s] ERROR: %s\n' "$KR_SCENARIO" "$*" >&2
  exit 1
}

kr_record() {
  printf '%s\t%s\t%s\t%s\n' "$KR_SCENARIO" "$KR_CLASS" "$1" "$2" >>"$KR_SANDBOX_DIR/planted.tsv"
  kr_log "PLANT $KR_CLASS $1 $2"
}

kr_skip() {
  printf '%s\t%s\t%s\t%s\n' "$KR_SCENARIO" "$1" "$2" "$3" >>"$KR_SANDBOX_DIR/skipped.tsv"
  kr_log "SKIP: $1 $2: $3"
}

# kr_hex N SEED: N deterministic lowercase hex digits derived from SEED (N <= 64)
kr_hex() {
  local h
  h=$(printf '%s' "$2" | sha256sum)
  printf '%s\n' "${h:0:$1}"
}

# kr_uuid SEED: a deterministic RFC 4122 shaped (version 4) UUID
kr_uuid() {
  local h
  h=$(kr_hex 32 "$1")
  printf '%s-%s-4%s-a%s-%s\n' "${h:0:8}" "${h:8:4}" "${h:13:3}" "${h:17:3}" "${h:20:12}"
}

# fstype of the top-most mount exactly at $1 (empty if not a mount point)
kr_mount_fstype() {
  awk -v mp="$1" '{ for (i = 7; $i != "-"; i++) { }; if ($5 == mp) t = $(i + 1) } END { print t }' /proc/self/mountinfo
}

# Refuse to run anywhere but inside a kr-sandbox.
kr_require_sandbox() {
  local d t
  [[ ${KR_SANDBOX-} == 1 ]] || kr_die "KR_SANDBOX is not 1: refusing to plant outside the sandbox"
  [[ $(</proc/sys/kernel/hostname) == kr-sandbox ]] || kr_die "hostname is not kr-sandbox: refusing to plant"
  [[ -n ${KR_SANDBOX_HOST_NETNS-} && $(stat -L -c %i /proc/self/ns/net) != "$KR_SANDBOX_HOST_NETNS" ]] ||
    kr_die "not in a private network namespace: refusing to plant"
  for d in /etc /var /opt /usr /run /root; do
    t=$(kr_mount_fstype "$d")
    [[ $t == overlay ]] || kr_die "$d is not a sandbox overlay (fstype '$t'): refusing to plant"
  done
  t=$(kr_mount_fstype /tmp)
  [[ $t == tmpfs ]] || kr_die "/tmp is not a sandbox tmpfs: refusing to plant"
}

kr_check_path() {
  local p=$1 r
  [[ $p == /* && $p != *"/../"* && $p != */.. ]] || kr_die "bad path: $p"
  for r in "${KR_PLANT_ROOTS[@]}"; do
    [[ $p != "$r"/* ]] || return 0
  done
  kr_die "path outside the sandbox overlays: $p"
}

# kr_dir PATH...: create directories (recorded)
kr_dir() {
  local p
  for p in "$@"; do
    kr_check_path "$p"
    mkdir -p -- "$p"
    kr_record path "$p"
  done
}

# kr_mkparent PATH: make sure the parent directory of PATH exists
kr_mkparent() {
  [[ -d ${1%/*} ]] || mkdir -p -- "${1%/*}"
}

# kr_file PATH [MODE] <content: create a file from stdin (recorded)
kr_file() {
  local p=$1 mode=${2:-0644}
  kr_check_path "$p"
  kr_mkparent "$p"
  cat >"$p"
  [[ $mode == 0644 ]] || chmod "$mode" -- "$p"
  kr_record path "$p"
}

# kr_symlink TARGET PATH: create a symlink (recorded; may dangle)
kr_symlink() {
  kr_check_path "$2"
  kr_mkparent "$2"
  ln -sfn -- "$1" "$2"
  kr_record path "$2"
}

# kr_fake_binary PATH [VERSION]: a small executable standing in for a
# downloaded release binary (ELF magic first, then text).
kr_fake_binary() {
  local p=$1 v=${2:-}
  kr_check_path "$p"
  kr_mkparent "$p"
  printf '\177ELF\002\001\001\000kr-sandbox fake binary %s %s\n' "$(basename -- "$p")" "$v" >"$p"
  chmod 0755 -- "$p"
  kr_record path "$p"
}

# kr_tmpfs MOUNTPOINT [OPTIONS]: mount a tmpfs (recorded as path + mount)
kr_tmpfs() {
  local p=$1 opts=${2:-rw,relatime}
  kr_check_path "$p"
  mkdir -p -- "$p"
  mount -t tmpfs -o "$opts" tmpfs "$p"
  kr_record mount "$p"
}

# kr_bind SOURCE MOUNTPOINT: bind mount (recorded as mount)
kr_bind() {
  kr_check_path "$1"
  kr_check_path "$2"
  mkdir -p -- "$2"
  mount --bind "$1" "$2"
  kr_record mount "$2"
}

# kr_cgroup_roots: the cgroup hierarchy roots visible in the sandbox, one per
# line (/sys/fs/cgroup itself on a cgroup2-only layout).
kr_cgroup_roots() {
  awk '{ for (i = 7; $i != "-"; i++) { }; t = $(i + 1)
         if ((t == "cgroup" || t == "cgroup2") && ($5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1)) print $5 }' \
    /proc/self/mountinfo
}

# kr_cgroup RELPATH...: create RELPATH (and its parents) in every hierarchy.
# Every created directory is recorded.
kr_cgroup() {
  local rel root sub part
  for rel in "$@"; do
    while IFS= read -r root; do
      sub=""
      local -a parts
      IFS=/ read -r -a parts <<<"$rel"
      for part in "${parts[@]}"; do
        sub+="/$part"
        if [[ ! -d $root$sub ]]; then
          mkdir -- "$root$sub"
          kr_record cgroup "$root$sub"
        fi
      done
    done < <(kr_cgroup_roots)
  done
}

# kr_netns NAME: named network namespace like CNI makes (recorded)
kr_netns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  kr_record netns "$1"
  kr_record mount "/run/netns/$1"
}

# kr_iface NAME: record an interface created by the caller (verifies it exists)
kr_iface() {
  [[ -e /sys/class/net/$1 ]] || kr_die "interface $1 does not exist"
  kr_record interface "$1"
}

# kr_have_module NAME: true if module NAME is built in or already loaded.
# Planting never triggers a module load: some modules (ipip, dummy) create
# devices in EVERY network namespace, including the host's, when loaded.
kr_have_module() {
  [[ -d /sys/module/$1 ]]
}

# kr_iptables BACKEND FAMILY <rules: feed iptables-restore --noflush input
# (BACKEND nft|legacy, FAMILY ip|ip6) and record every user chain declared
# with ":NAME - [0:0]". Builtin chains are referenced, not recorded.
kr_iptables() {
  local backend=$1 family=$2 cmd rules table="" line chain
  case $family in
    ip) cmd=iptables-$backend-restore ;;
    ip6) cmd=ip6tables-$backend-restore ;;
    *) kr_die "bad family $family" ;;
  esac
  command -v "$cmd" >/dev/null || kr_die "$cmd not found (apt-get install iptables)"
  rules=$(cat)
  printf '%s\n' "$rules" | "$cmd" --noflush
  while IFS= read -r line; do
    case $line in
      \**) table=${line#\*} ;;
      :*)
        chain=${line#:}
        chain=${chain%% *}
        case $line in
          ":$chain - "*) kr_record iptables-chain "$family/$backend/$table/$chain" ;;
        esac
        ;;
    esac
  done <<<"$rules"
}

# kr_ipt_chain_exists BACKEND FAMILY TABLE CHAIN
kr_ipt_chain_exists() {
  local cmd=iptables-$1
  [[ $2 == ip6 ]] && cmd=ip6tables-$1
  "$cmd" -t "$3" -n -L "$4" >/dev/null 2>&1
}

# kr_daemon NAME EXE LISTEN TITLE [ARGS...]: start a long-running process
# whose comm is basename(EXE) (15 chars max), whose cmdline is "EXE ARGS..."
# (or TITLE when non-empty) and which listens on LISTEN (see fake-daemon.pl).
# It outlives this script and dies with the sandbox's PID namespace.
#
# EXE is a perl script, so the kernel builds argv as "INTERP PATH ARGS...";
# the daemon then rewrites that area to "EXE ARGS...". To make the result
# exactly as long as the original (no trailing NULs) the interpreter is a
# short-lived 6-character symlink and PATH is "./" + padding slashes + name,
# run from EXE's directory. comm is unaffected: the kernel takes the basename.
kr_daemon() {
  local name=$1 exe=$2 listen=$3 title=$4 perl pid comm spec proto addr
  local interp=/run/p dir base need pad run
  shift 4
  kr_check_path "$exe"
  dir=${exe%/*}
  base=${exe##*/}
  perl=$(command -v perl) || kr_die "perl not found"
  [[ -d $dir ]] || mkdir -p -- "$dir"
  [[ -d $KR_SANDBOX_DIR/daemons ]] || mkdir -p -- "$KR_SANDBOX_DIR/daemons"
  {
    printf '#!%s\n' "$interp"
    tail -n +2 -- "$KR_LIB_DIR/fake-daemon.pl"
  } >"$exe"
  chmod 0755 -- "$exe"
  kr_record path "$exe"
  run=$exe
  need=$((${#exe} - ${#interp} - 1))
  if ((need >= ${#base} + 2)); then
    printf -v pad '%*s' $((need - ${#base} - 2)) ''
    run="./${pad// //}$base"
  fi
  ln -sfn -- "$perl" "$interp"
  (
    cd -- "$dir"
    KR_FAKE_EXE=$exe KR_FAKE_LISTEN=$listen KR_FAKE_TITLE=$title \
      KR_FAKE_PIDFILE="$KR_SANDBOX_DIR/daemons/$name.pid" \
      exec env -- "$run" "$@" </dev/null >>"$KR_SANDBOX_DIR/daemons/$name.log" 2>&1
  ) || {
    rm -f -- "$interp"
    kr_die "daemon $name failed to start: $(cat -- "$KR_SANDBOX_DIR/daemons/$name.log")"
  }
  rm -f -- "$interp"
  pid=$(<"$KR_SANDBOX_DIR/daemons/$name.pid")
  comm=$(<"/proc/$pid/comm")
  [[ $comm == "${base:0:15}" ]] || kr_die "daemon $name has comm '$comm'"
  kr_record process "$comm"
  for spec in $listen; do
    proto=${spec%%:*}
    addr=${spec#*:}
    case $proto in
      unix) kr_record path "$addr" ;;
      *) kr_record port "$proto/$addr" ;;
    esac
  done
  kr_log "daemon $name pid $pid comm $comm"
}

# kr_calico_chains FAMILY IFACE: Calico's cali-* chains (nft backend) with
# "cali:<hash>" rule comments, plus the per-workload chains of IFACE.
kr_calico_chains() {
  local family=$1 iface=$2
  # The base chains are shared with other Calico scenarios (e.g. rancher):
  # create them only once so a combined run does not flush them.
  if ! kr_ipt_chain_exists nft "$family" filter cali-INPUT; then
    kr_iptables nft "$family" <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:cali-PREROUTING - [0:0]
:cali-OUTPUT - [0:0]
-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING
-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT
-A cali-PREROUTING -m comment --comment "cali:XFX5xbM8B9qR10JG" -j MARK --set-xmark 0x0/0xf0000
-A cali-PREROUTING -i cali+ -m comment --comment "cali:EWMPb0zVROM-woQp" -j MARK --set-xmark 0x40000/0x40000
-A cali-OUTPUT -m comment --comment "cali:njdnLwYeGqBJyMxW" -j MARK --set-xmark 0x0/0xf0000
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:cali-PREROUTING - [0:0]
:cali-from-host-endpoint - [0:0]
-A PREROUTING -m comment --comment "cali:6gwbT8clXdHdC1b1" -j cali-PREROUTING
-A cali-PREROUTING -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "cali:6BJqBjBC7crtA-7-" -j ACCEPT
-A cali-PREROUTING -m mark --mark 0x10000/0x10000 -m comment --comment "cali:KX7AGNd6rMcDUai6" -j ACCEPT
-A cali-PREROUTING -m comment --comment "cali:wNH7KsA3ILKJBsY9" -j cali-from-host-endpoint
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:cali-INPUT - [0:0]
:cali-FORWARD - [0:0]
:cali-OUTPUT - [0:0]
:cali-from-wl-dispatch - [0:0]
:cali-to-wl-dispatch - [0:0]
-A INPUT -m comment --comment "cali:Cz_u1IQiXIMmKD4c" -j cali-INPUT
-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD
-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT
-A cali-INPUT -p udp -m comment --comment "cali:w7ud0UgQSEi_zKuQ" -m udp --dport 4789 -j ACCEPT
-A cali-INPUT -i cali+ -m comment --comment "cali:mA3dcOP6iRaH4m7y" -j ACCEPT
-A cali-FORWARD -i cali+ -m comment --comment "cali:X3vB2lGcBzDvZsGg" -j cali-from-wl-dispatch
-A cali-FORWARD -o cali+ -m comment --comment "cali:UtJ9FnhBnFbyQMvU" -j cali-to-wl-dispatch
-A cali-OUTPUT -m mark --mark 0x10000/0x10000 -m comment --comment "cali:Mq1_rAdXXH3YkrzW" -j ACCEPT
COMMIT
EOF
  fi
  kr_iptables nft "$family" <<EOF
*filter
:cali-fw-$iface - [0:0]
:cali-tw-$iface - [0:0]
-A cali-from-wl-dispatch -i $iface -m comment --comment "cali:8gZ3_yPbUl7LD1Hp" -g cali-fw-$iface
-A cali-to-wl-dispatch -o $iface -m comment --comment "cali:Qw3KnM_fdZ5P8Ehc" -g cali-tw-$iface
-A cali-fw-$iface -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "cali:ZFhsN1qH7ua2LNTa" -j ACCEPT
-A cali-fw-$iface -m conntrack --ctstate INVALID -m comment --comment "cali:Rs0WEa5Zc0Wj1nOe" -j DROP
-A cali-tw-$iface -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "cali:4uDxsdGT6Dcz5Hd2" -j ACCEPT
COMMIT
EOF
}
kr_require_sandbox
