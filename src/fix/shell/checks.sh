# shellcheck shell=sh
# kr_check_host PLAN-HOST LABEL [PLAN-MACHINE-ID]: refuse to run for real on another host than the one scanned
# (LABEL is the plan's host name escaped for messages), and unless root; a dry run only warns.
kr_check_host() {
  kr_here=$(uname -n 2>/dev/null) || kr_here=unknown
  if [ "$kr_here" != "$1" ]; then
    kr_msg="this plan was made for host $2, but this is $(printf '%s' "$kr_here" | tr -cd '[:graph:]')"
    if [ "$DRY_RUN" = 1 ] || [ "${KUBE_RESIDUE_OTHER_HOST:-0}" = 1 ]; then
      kr_say "WARNING: $kr_msg"
    else
      printf '%s\n' "kube-residue fix: $kr_msg; not running (set KUBE_RESIDUE_OTHER_HOST=1 if that is really intended)" >&2
      exit 2
    fi
  fi
  if [ -n "${3:-}" ]; then
    kr_id=
    { IFS= read -r kr_id </etc/machine-id; } 2>/dev/null || kr_id=
    if [ -n "$kr_id" ] && [ "$kr_id" != "$3" ] && [ "$DRY_RUN" != 1 ] && [ "${KUBE_RESIDUE_OTHER_HOST:-0}" != 1 ]; then
      printf '%s\n' "kube-residue fix: /etc/machine-id differs from the scanned host's; not running (set KUBE_RESIDUE_OTHER_HOST=1 if that is really intended)" >&2
      exit 2
    fi
  fi
  if [ "$DRY_RUN" != 1 ] && [ "$(id -u)" != 0 ]; then
    printf '%s\n' 'kube-residue fix: run this as root (or preview it with --dry-run)' >&2
    exit 2
  fi
}
