# shellcheck shell=sh
# Edits of shared files (/etc/hosts, sysctl.conf, fstab, resolv.conf, modules-load files), anchored to the text
# the scan saw, never to line numbers. Each block (one or more lines joined by newlines) must be in the file as
# often as the scan saw it, no more and no less; otherwise nothing is changed and the step is refused, with a
# message (also when an earlier run of the script made the edit: rescan to see what is left). The file
# is rewritten in place (cp), so its owner, mode and any symbolic link to it stay; a missing final newline and
# CR characters stay as they were.

# kr_edit_remove FILE LABEL BLOCK...: remove exactly these blocks.
kr_edit_remove() {
  kr_ef=$1
  kr_el=$2
  shift 2
  kr_edit_spec || return 0
  for kr_b in "$@"; do
    printf '%s\n%s\n' "$(printf '%s\n' "$kr_b" | wc -l)" "$kr_b" >>"$kr_spec"
  done
  kr_edit_apply remove "the $# block(s) the scan saw are still in $kr_el: removing exactly those"
}

# kr_edit_replace FILE LABEL SED-PROGRAM LINE...: replace exactly these lines by what the rule's sed program
# makes of each of them (uncommenting a swap line, say); other lines that match the program stay untouched.
kr_edit_replace() {
  kr_ef=$1
  kr_el=$2
  kr_prog=$3
  shift 3
  kr_edit_spec || return 0
  for kr_b in "$@"; do
    kr_new=$(printf '%s\n' "$kr_b" | sed -e "$kr_prog") || {
      rm -f -- "$kr_spec" "$kr_out"
      kr_refuse "the rule's sed program failed on a line of $kr_el: not edited"
      return 0
    }
    printf '1\n%s\n%s\n' "$kr_b" "$kr_new" >>"$kr_spec"
  done
  kr_edit_apply replace "the $# line(s) the scan saw are still in $kr_el: changing exactly those"
}

# kr_edit_spec: check FILE ($kr_ef) and make the temporary files kr_spec and kr_out; fails (refused) otherwise.
kr_edit_spec() {
  if [ ! -f "$kr_ef" ]; then
    kr_refuse "$kr_el is gone or is not a regular file any more: not edited"
    return 1
  fi
  kr_spec=$(mktemp) || {
    kr_refuse "no temporary file for editing $kr_el: not edited"
    return 1
  }
  kr_out=$(mktemp) || {
    rm -f -- "$kr_spec"
    kr_refuse "no temporary file for editing $kr_el: not edited"
    return 1
  }
}

# kr_edit_apply remove|replace MESSAGE: the edit itself, from $kr_spec (per block: its line count, its lines,
# and for replace the new line).
kr_edit_apply() {
  kr_nonl=0
  if [ -s "$kr_ef" ] && [ -n "$(tail -c 1 -- "$kr_ef")" ]; then
    kr_nonl=1
  fi
  kr_rc=0
  LC_ALL=C awk -v spec="$kr_spec" -v mode="$1" -v nonl="$kr_nonl" '
    BEGIN {
      nb = 0
      while ((getline n < spec) > 0) {
        nb++
        len[nb] = n + 0
        for (i = 1; i <= len[nb]; i++) {
          if ((getline l < spec) <= 0) exit 9
          blk[nb, i] = l
        }
        if (mode == "replace" && (getline rep[nb] < spec) <= 0) exit 9
      }
    }
    { line[NR] = $0 }
    function at(b, s,    i) {
      if (s + len[b] - 1 > NR) return 0
      for (i = 1; i <= len[b]; i++) if (gone[s + i - 1] || line[s + i - 1] != blk[b, i]) return 0
      return 1
    }
    END {
      missing = 0
      for (b = 1; b <= nb; b++) {
        found = 0
        for (s = 1; s <= NR && !found; s++) if (at(b, s)) found = s
        if (!found) { missing++; continue }
        for (i = 0; i < len[b]; i++) gone[found + i] = 1
        if (mode == "replace") { new[found] = rep[b]; has[found] = 1 }
      }
      if (missing == nb) exit 5
      if (missing > 0) exit 3
      for (b = 1; b <= nb; b++) for (s = 1; s <= NR; s++) if (at(b, s)) exit 4
      sep = ""
      for (s = 1; s <= NR; s++) {
        if (has[s]) { printf "%s%s", sep, new[s]; sep = "\n" }
        else if (!gone[s]) { printf "%s%s", sep, line[s]; sep = "\n" }
      }
      if (sep != "" && !nonl) printf "\n"
    }' "$kr_ef" >"$kr_out" || kr_rc=$?
  rm -f -- "$kr_spec"
  case $kr_rc in
    0) ;;
    5)
      rm -f -- "$kr_out"
      kr_refuse "none of the lines the scan saw is in $kr_el any more (an earlier run of this script, or someone else, changed them); the file is left as it is"
      return 0
      ;;
    3)
      rm -f -- "$kr_out"
      kr_refuse "$kr_el changed since the scan: some of the lines it saw are no longer there; the file is left as it is"
      return 0
      ;;
    4)
      rm -f -- "$kr_out"
      kr_refuse "$kr_el changed since the scan: the lines it saw are there more often than it saw them; the file is left as it is"
      return 0
      ;;
    *)
      rm -f -- "$kr_out"
      kr_refuse "$kr_el could not be read or edited (awk exit status $kr_rc); the file is left as it is"
      return 0
      ;;
  esac
  kr_say "$2"
  if [ "$DRY_RUN" = 1 ]; then
    kr_show cp -- "(the file with only those lines changed)" "$kr_ef"
    rm -f -- "$kr_out"
    return 0
  fi
  run cp -- "$kr_out" "$kr_ef"
  rm -f -- "$kr_out"
}
