# shellcheck shell=bash
# Host-side cgroup helpers shared by sandbox.sh and cleanup-stale.sh.
#
# Cgroups are global kernel objects: a mount namespace does not hide them. The
# sandbox therefore gets one private parent cgroup per hierarchy, named
# kr-sandbox-<pid of sandbox.sh>, created BELOW the cgroup the caller already
# lives in (so resource limits set by whoever started us keep applying), and
# every one of them is removed again, deepest first, when the sandbox ends.

# Prints one line per cgroup hierarchy mounted at or below /sys/fs/cgroup:
#   <mountpoint> TAB <fstype> TAB <super options> TAB <mount root>
kr_cg_hierarchies() {
  awk '{
    for (i = 7; $i != "-"; i++) { }
    fstype = $(i + 1); super = $(i + 3)
    if ((fstype == "cgroup" || fstype == "cgroup2") &&
        ($5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1))
      print $5 "\t" fstype "\t" super "\t" $4
  }' /proc/self/mountinfo
}

# kr_cg_controllers SUPEROPTS: the mount options that select a v1 hierarchy
# (its controllers and/or name=...), comma separated, e.g. "cpu,cpuacct" or
# "none,name=systemd". Prints nothing for a v1 mount without controllers.
kr_cg_controllers() {
  local opt out="" known named=0
  local -a opts
  known=",$(awk 'NR > 1 { printf "%s,", $1 }' /proc/cgroups)"
  IFS=, read -r -a opts <<<"$1"
  for opt in "${opts[@]}"; do
    if [[ $opt == name=* ]]; then
      out+="${out:+,}$opt"
      named=1
    elif [[ $known == *",$opt,"* ]]; then
      out+="${out:+,}$opt"
    fi
  done
  if [[ $named == 1 && $out == name=* ]]; then
    out="none,$out"
  fi
  printf '%s\n' "$out"
}

# kr_cg_current_path FSTYPE SUPEROPTS [PID]: the cgroup path (as in
# /proc/PID/cgroup) of PID (default: this shell) in the given hierarchy.
kr_cg_current_path() {
  local fstype=$1 super=$2 pid=${3:-self} line rest ctrls path tok ok
  local -a toks
  while IFS= read -r line; do
    rest=${line#*:}
    ctrls=${rest%%:*}
    path=${rest#*:}
    if [[ $fstype == cgroup2 ]]; then
      if [[ -z $ctrls ]]; then
        printf '%s\n' "$path"
        return 0
      fi
      continue
    fi
    [[ -n $ctrls ]] || continue
    ok=1
    IFS=, read -r -a toks <<<"$ctrls"
    for tok in "${toks[@]}"; do
      [[ ",$super," == *",$tok,"* ]] || ok=0
    done
    if [[ $ok == 1 ]]; then
      printf '%s\n' "$path"
      return 0
    fi
  done <"/proc/$pid/cgroup"
  return 1
}

# kr_cg_procs DIR...: every pid in the cgroup trees below DIR... (one per line).
kr_cg_procs() {
  local d
  for d in "$@"; do
    [[ -d $d ]] || continue
    find "$d" -name cgroup.procs -type f -exec cat {} + 2>/dev/null || true
  done
}

# kr_cg_kill DIR...: SIGKILL every process in the given cgroup trees and wait
# (up to ~5 s) until they are gone. Returns 1 if processes remain.
kr_cg_kill() {
  local d pids i
  for d in "$@"; do
    if [[ -f $d/cgroup.kill ]]; then
      echo 1 >"$d/cgroup.kill" 2>/dev/null || true
    fi
  done
  for ((i = 0; i < 100; i++)); do
    pids=$(kr_cg_procs "$@")
    [[ -n $pids ]] || return 0
    # shellcheck disable=SC2086 # one pid per word
    kill -KILL $pids 2>/dev/null || true
    sleep 0.05
  done
  return 1
}

# kr_cg_remove DIR: rmdir the cgroup tree below and including DIR, deepest
# first, retrying while the kernel still reports it busy.
kr_cg_remove() {
  local top=$1 d i failed=0
  [[ -d $top ]] || return 0
  while IFS= read -r -d '' d; do
    for ((i = 0; i < 50; i++)); do
      rmdir "$d" 2>/dev/null && break
      [[ -d $d ]] || break
      sleep 0.02
    done
    if [[ -d $d ]]; then
      echo "kr-sandbox: could not remove cgroup $d" >&2
      failed=1
    fi
  done < <(find "$top" -depth -type d -print0 2>/dev/null)
  return "$failed"
}
