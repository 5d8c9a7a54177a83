# shellcheck shell=sh
kr_sq="'"
kr_count=0
kr_tolerated=0
kr_refused=0
kr_last=0

# Messages: one line each, starting with '#', so a dry run's output reads as a shell transcript.
kr_say() {
  printf '# %s\n' "$*"
}

kr_refuse() {
  if [ "$DRY_RUN" = 1 ]; then
    kr_say "would be refused at run time: $*"
  else
    kr_refused=$((kr_refused + 1))
    kr_say "REFUSED at run time: $*"
  fi
}

# kr_printable WORD: true when every byte of WORD is printable ASCII. Decided in the C locale, so control
# characters, bidi overrides and zero-width characters (UTF-8 bytes above 127) never count as printable.
kr_printable() {
  kr_lc=${LC_ALL-kr_unset}
  LC_ALL=C
  case $1 in
    *[![:print:]]*) kr_pr=1 ;;
    *) kr_pr=0 ;;
  esac
  if [ "$kr_lc" = kr_unset ]; then unset LC_ALL; else LC_ALL=$kr_lc; fi
  return "$kr_pr"
}

# kr_visible WORD: sets kr_qv to WORD as "$(printf '...')" with every byte outside printable ASCII (and ', \, %
# and a leading -, which printf would read) as an octal escape: pasted into any POSIX shell (dash has no $'...')
# it gives WORD's bytes, and a dry run never sends a host name's terminal escape, bidi override or line break to
# the terminal raw. $(...) strips a trailing newline, so a WORD ending in one cannot be spelled so: kr_np=1.
kr_visible() {
  kr_qv=
  kr_first=1
  kr_o=
  for kr_o in $(printf '%s' "$1" | od -An -v -to1); do
    case $kr_o in
      045 | 047 | 134) kr_qv="$kr_qv\\$kr_o" ;;
      055) if [ "$kr_first" = 1 ]; then kr_qv="$kr_qv\\055"; else kr_qv="$kr_qv-"; fi ;;
      04[0-7] | 0[5-7][0-7] | 1[0-6][0-7] | 17[0-6]) kr_qv="$kr_qv$(printf '%b' "\\0$kr_o")" ;;
      *) kr_qv="$kr_qv\\$kr_o" ;;
    esac
    kr_first=0
  done
  if [ "$kr_o" = 012 ]; then
    kr_np=1
  fi
  kr_qv="\"\$(printf '$kr_qv')\""
}

# kr_quote WORD: sets kr_qv to WORD as one shell word on one line (for printing commands).
kr_quote() {
  if ! kr_printable "$1"; then
    kr_visible "$1"
    return 0
  fi
  case $1 in
    '' | *[!A-Za-z0-9_./:=@%+,-]*) ;;
    *)
      kr_qv=$1
      return 0
      ;;
  esac
  kr_qs=$1
  kr_qv=
  while :; do
    case $kr_qs in
      *"$kr_sq"*)
        kr_qv=$kr_qv${kr_qs%%"$kr_sq"*}$kr_sq\\$kr_sq$kr_sq
        kr_qs=${kr_qs#*"$kr_sq"}
        ;;
      *) break ;;
    esac
  done
  kr_qv=$kr_sq$kr_qv$kr_qs$kr_sq
}

# kr_show CMD ARGS...: the command as one line a person can paste into any POSIX shell, after '+ '; or, when an
# argument ends in a newline (no command on one line spells it), a comment saying so.
kr_show() {
  kr_line=
  kr_np=0
  for kr_w in "$@"; do
    kr_quote "$kr_w"
    kr_line="$kr_line $kr_qv"
  done
  if [ "$kr_np" = 1 ]; then
    printf '%s\n' "# not a command to paste (an argument ends in a newline, which a command on one line cannot spell; this script passes it exactly):$kr_line"
  else
    printf '%s\n' "+$kr_line"
  fi
}

# run CMD ARGS...: print the command, run it unless this is a dry run, stop the script if it fails.
run() {
  kr_show "$@"
  if [ "$DRY_RUN" = 1 ]; then
    return 0
  fi
  kr_count=$((kr_count + 1))
  kr_rc=0
  "$@" || kr_rc=$?
  if [ "$kr_rc" -ne 0 ]; then
    kr_say "FAILED with exit status $kr_rc: stopping here, nothing after this command was done."
    kr_say "Fix the cause and run the script again: each step re-checks the node and skips what is already gone."
    exit "$kr_rc"
  fi
}

# run_may_fail CMD ARGS...: the same, but a failure is expected and harmless: report it and go on.
run_may_fail() {
  kr_show "$@"
  kr_last=0
  if [ "$DRY_RUN" = 1 ]; then
    return 0
  fi
  kr_count=$((kr_count + 1))
  "$@" || kr_last=$?
  if [ "$kr_last" -ne 0 ]; then
    kr_tolerated=$((kr_tolerated + 1))
    kr_say "exit status $kr_last (tolerated, going on)"
  fi
}

kr_systemd_running() {
  [ -d /run/systemd/system ] || return 1
  kr_c=
  { IFS= read -r kr_c </proc/1/comm; } 2>/dev/null || return 1
  [ "$kr_c" = systemd ]
}

# kr_mounts MOUNTINFO-PATH: sets kr_m to 'at' (a mount point), 'below' (something mounted below it), 'none',
# or 'unknown' (mountinfo unreadable: treated as mounted).
kr_mounts() {
  kr_m=$(KR_P=$1 awk '
    BEGIN { p = ENVIRON["KR_P"]; n = length(p); s = "none" }
    $5 == p { s = "at" }
    s != "at" && substr($5, 1, n + 1) == p "/" { s = "below" }
    END { print s }' /proc/self/mountinfo 2>/dev/null) || kr_m=unknown
  [ -n "$kr_m" ] || kr_m=unknown
}

kr_type_now() {
  if [ -L "$1" ]; then
    kr_t=l
  elif [ -d "$1" ]; then
    kr_t=d
  else
    kr_t=f
  fi
}

# kr_rm FLAGS SEEN PATH MOUNTINFO-PATH LABEL: rm FLAGS -- PATH, unless it is gone, is no longer the type the scan
# saw (d, f, l; ? = not recorded), or anything is mounted at or below it.
kr_rm() {
  if [ ! -e "$3" ] && [ ! -L "$3" ]; then
    kr_say "skip: already gone: $5"
    return 0
  fi
  kr_type_now "$3"
  if [ "$2" != '?' ] && [ "$2" != "$kr_t" ]; then
    kr_refuse "$5 changed since the scan (it saw type $2, now it is $kr_t): not removed"
    return 0
  fi
  kr_mounts "$4"
  if [ "$kr_m" != none ]; then
    if [ "$DRY_RUN" = 1 ]; then
      kr_say "note: something is mounted $kr_m $5 now; the real run unmounts first and re-checks before this"
    else
      kr_refuse "something is still mounted $kr_m $5 (mountinfo: $kr_m): not removed, since rm would reach into the mounted filesystem; unmount it, then run the script again"
      return 0
    fi
  fi
  run rm "$1" -- "$3"
}

# kr_umount PATH MOUNTINFO-PATH LABEL: unmount until nothing is mounted exactly there (stacked mounts).
kr_umount() {
  kr_mounts "$2"
  if [ "$kr_m" != at ]; then
    kr_say "skip: not mounted (any more): $3"
    return 0
  fi
  kr_i=0
  while [ "$kr_m" = at ]; do
    run_may_fail umount -- "$1"
    if [ "$DRY_RUN" = 1 ] || [ "$kr_last" -ne 0 ]; then
      return 0
    fi
    kr_i=$((kr_i + 1))
    if [ "$kr_i" -ge 16 ]; then
      kr_say "still mounted after $kr_i unmounts: $3"
      return 0
    fi
    kr_mounts "$2"
  done
}

# kr_proc_is PID COMM: the pid exists and is still called COMM.
kr_proc_is() {
  kr_c=
  { IFS= read -r kr_c <"/proc/$1/comm"; } 2>/dev/null || return 1
  [ "$kr_c" = "$2" ]
}

# kr_host_pidns PID: the pid is in the PID namespace of PID 1 (a process of a container or of a nested node is
# not the host's, and is never ended by this script). Where PID 1's link cannot be read (some container
# runtimes hide it even from root), this shell's own namespace stands for it: the one /proc shows. Fails when
# the links cannot be read.
kr_host_pidns() {
  kr_ns1=$(readlink /proc/1/ns/pid 2>/dev/null) || kr_ns1=$(readlink "/proc/$$/ns/pid" 2>/dev/null) || return 1
  kr_nsp=$(readlink "/proc/$1/ns/pid" 2>/dev/null) || return 1
  [ -n "$kr_ns1" ] && [ "$kr_ns1" = "$kr_nsp" ]
}

# kr_alive PID...: sets kr_live to those that still run (not zombies).
kr_alive() {
  kr_live=
  for kr_p in "$@"; do
    kr_st=
    { IFS= read -r kr_st <"/proc/$kr_p/stat"; } 2>/dev/null || continue
    kr_st=${kr_st##*) }
    case $kr_st in
      Z* | X*) continue ;;
    esac
    kr_live="$kr_live $kr_p"
  done
}

# kr_terminate PID...: SIGTERM, up to 10 s to exit, then SIGKILL. Never pid 1 or this shell.
kr_terminate() {
  kr_pids=
  for kr_p in "$@"; do
    if [ "$kr_p" != 1 ] && [ "$kr_p" != "$$" ]; then
      kr_pids="$kr_pids $kr_p"
    fi
  done
  if [ -z "$kr_pids" ]; then
    return 0
  fi
  # shellcheck disable=SC2086 # a list of pids, split on purpose
  run_may_fail kill -s TERM $kr_pids
  if [ "$DRY_RUN" = 1 ]; then
    return 0
  fi
  kr_i=0
  while [ "$kr_i" -lt 10 ]; do
    # shellcheck disable=SC2086
    kr_alive $kr_pids
    if [ -z "$kr_live" ]; then
      return 0
    fi
    sleep 1
    kr_i=$((kr_i + 1))
  done
  # shellcheck disable=SC2086
  kr_alive $kr_pids
  if [ -n "$kr_live" ]; then
    # shellcheck disable=SC2086
    run_may_fail kill -s KILL $kr_live
  fi
}

# kr_still_ours PID COMM LABEL: the pid is still called COMM and is in the host's PID namespace (else says why).
kr_still_ours() {
  if ! kr_proc_is "$1" "$2"; then
    kr_say "skip: process $3 is gone or the pid now has another name"
    return 1
  fi
  if ! kr_host_pidns "$1"; then
    kr_refuse "process $3 is not in the host's PID namespace (or its namespace cannot be read): not ended"
    return 1
  fi
}

# kr_kill PID COMM LABEL: end the process if the pid is still called COMM and is the host's.
kr_kill() {
  kr_still_ours "$@" || return 0
  kr_terminate "$1"
}

# kr_kill_tree PID COMM LABEL: the same, with every descendant (a shim and the containers it runs).
kr_kill_tree() {
  kr_still_ours "$@" || return 0
  kr_pairs=
  for kr_f in /proc/[0-9]*/stat; do
    kr_st=
    { IFS= read -r kr_st <"$kr_f"; } 2>/dev/null || continue
    kr_pp=${kr_st##*) }
    kr_pp=${kr_pp#* }
    kr_pp=${kr_pp%% *}
    kr_p=${kr_f#/proc/}
    kr_p=${kr_p%/stat}
    kr_pairs="$kr_pairs $kr_p:$kr_pp"
  done
  kr_tree=" $1 "
  kr_more=1
  while [ "$kr_more" = 1 ]; do
    kr_more=0
    for kr_pair in $kr_pairs; do
      kr_p=${kr_pair%%:*}
      kr_pp=${kr_pair#*:}
      case $kr_tree in
        *" $kr_p "*) ;;
        *" $kr_pp "*)
          kr_tree="$kr_tree$kr_p "
          kr_more=1
          ;;
      esac
    done
  done
  # shellcheck disable=SC2086 # a list of pids, split on purpose
  kr_terminate $kr_tree
}

# kr_kill_port PROTO PORT PID...: end those of the pids that still listen on PROTO/PORT (checked with ss).
kr_kill_port() {
  kr_proto=$1
  kr_port=$2
  shift 2
  if ! command -v ss >/dev/null 2>&1; then
    kr_say "skip: ss (iproute2) is not installed, so who holds $kr_proto/$kr_port cannot be checked; pids seen: $*"
    return 0
  fi
  kr_ss=$(ss -H -l -n -p "--$kr_proto" "sport = :$kr_port" 2>/dev/null) || kr_ss=
  kr_holders=
  for kr_p in "$@"; do
    case $kr_ss in
      *"pid=$kr_p,"*)
        if kr_host_pidns "$kr_p"; then
          kr_holders="$kr_holders $kr_p"
        else
          kr_refuse "process $kr_p on $kr_proto/$kr_port is not in the host's PID namespace: not ended"
        fi
        ;;
    esac
  done
  if [ -z "$kr_holders" ]; then
    kr_say "skip: none of the processes the scan saw ($*) listens on $kr_proto/$kr_port any more"
    return 0
  fi
  # shellcheck disable=SC2086 # a list of pids, split on purpose
  kr_terminate $kr_holders
}

kr_netns_delete() {
  if [ ! -e "/run/netns/$1" ] && [ ! -e "/var/run/netns/$1" ]; then
    kr_say "skip: network namespace already gone: $2"
    return 0
  fi
  run_may_fail ip netns delete "$1"
}

kr_link_delete() {
  if [ ! -e "/sys/class/net/$1" ]; then
    kr_say "skip: interface already gone: $2"
    return 0
  fi
  run_may_fail ip link delete dev "$1"
  if [ "$kr_last" -ne 0 ] && [ ! -e "/sys/class/net/$1" ]; then
    kr_tolerated=$((kr_tolerated - 1))
    kr_say "gone by now anyway (a veth goes with its peer): $2"
  fi
}

kr_nft_delete() {
  if ! command -v nft >/dev/null 2>&1 || ! nft list table "$1" "$2" >/dev/null 2>&1; then
    kr_say "skip: nftables table $1 $2 is already gone (or nft is not installed)"
    return 0
  fi
  run_may_fail nft delete table "$1" "$2"
}

# kr_cgroup_rmdir PATH LABEL: rmdir every empty cgroup below PATH and PATH itself, deepest first.
kr_cgroup_rmdir() {
  if [ ! -d "$1" ]; then
    kr_say "skip: cgroup already gone: $2"
    return 0
  fi
  run_may_fail find "$1" -depth -type d -exec rmdir '{}' ';'
  if [ "$DRY_RUN" != 1 ] && [ -d "$1" ]; then
    kr_say "still there (it or a cgroup below it holds processes): $2; a reboot clears it"
  fi
}

kr_left_n=0
# kr_left path|link VALUE LABEL: at the end, report what is still there.
kr_left() {
  case $1 in
    link) [ -e "/sys/class/net/$2" ] || return 0 ;;
    *) [ -e "$2" ] || return 0 ;;
  esac
  kr_left_n=$((kr_left_n + 1))
  kr_say "  still there: $3"
}

# kr_done: the closing summary line of a run.
kr_done() {
  kr_say "----"
  if [ "$DRY_RUN" = 1 ]; then
    kr_say 'dry run: nothing was changed'
  else
    kr_say "done: $kr_count commands run, $kr_tolerated failed harmlessly (tolerated), $kr_refused refused at run time"
  fi
}

# kr_exit: the script's last command: exit 1 when anything was refused at run time (the node is not as the
# plan expected); otherwise the script ends with status 0.
kr_exit() {
  if [ "$kr_refused" -gt 0 ]; then
    exit 1
  fi
}
