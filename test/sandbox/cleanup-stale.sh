#!/usr/bin/env bash
# Removes what a killed kr-sandbox run (sandbox.sh got SIGKILL, the machine
# lost power mid-run, ...) left on the host:
#   * kr-sandbox-<pid> cgroups in every hierarchy under /sys/fs/cgroup: their
#     processes (the orphaned sandbox, if still running) are SIGKILLed, which
#     also ends its namespaces and mounts; then the cgroups are removed
#     deepest first;
#   * ${TMPDIR:-/tmp}/kr-sandbox.* work dirs of dead runs (not the ones kept
#     with --keep unless --all is given).
# A cgroup or work dir whose sandbox.sh is still alive is left alone unless
# --force is given.
#
# Usage: cleanup-stale.sh [--force] [--all] [--dry-run]
set -euo pipefail

KR_SB_HOME=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source-path=SCRIPTDIR source=lib/cgroup.sh
. "$KR_SB_HOME/lib/cgroup.sh"

force=0
all=0
dry=0
for arg in "$@"; do
  case $arg in
    --force) force=1 ;;
    --all) all=1 ;;
    --dry-run) dry=1 ;;
    -h | --help)
      sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "cleanup-stale.sh: unknown argument $arg" >&2
      exit 2
      ;;
  esac
done

[[ $EUID == 0 ]] || {
  echo "cleanup-stale.sh: must run as root" >&2
  exit 1
}

# Is the sandbox.sh with this pid still running?
owner_alive() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'sandbox\.sh'
}

rc=0
declare -a stale=()
while IFS=$'\t' read -r mp _ _ _; do
  while IFS= read -r -d '' dir; do
    pid=${dir##*/kr-sandbox-}
    if [[ $force == 0 ]] && owner_alive "$pid"; then
      echo "skip $dir (sandbox.sh $pid still running; use --force)"
      continue
    fi
    stale+=("$dir")
  done < <(find "$mp" -maxdepth 8 -type d -name 'kr-sandbox-*' -prune -print0 2>/dev/null)
done < <(kr_cg_hierarchies)

if ((${#stale[@]} > 0)); then
  for dir in "${stale[@]}"; do
    echo "stale cgroup $dir"
  done
  if [[ $dry == 0 ]]; then
    kr_cg_kill "${stale[@]}" || {
      echo "cleanup-stale.sh: processes survived SIGKILL" >&2
      rc=1
    }
    for dir in "${stale[@]}"; do
      kr_cg_remove "$dir" || rc=1
    done
  fi
fi

shopt -s nullglob
for dir in "${TMPDIR:-/tmp}"/kr-sandbox.*; do
  [[ -d $dir && ! -L $dir ]] || continue
  owner=$(cat -- "$dir/owner.pid" 2>/dev/null || true)
  if [[ $force == 0 ]] && owner_alive "$owner"; then
    continue
  fi
  if [[ -e $dir/.kept && $all == 0 ]]; then
    continue
  fi
  echo "stale work dir $dir"
  [[ $dry == 1 ]] || rm -rf -- "$dir" || rc=1
done
exit "$rc"
