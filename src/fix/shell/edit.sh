# shellcheck shell=sh
# kr_edit_remove FILE LABEL BLOCK...: remove from FILE exactly the blocks of lines the scan saw (each BLOCK is
# one or more lines joined by newlines), matched by content, never by line number. Each block must be there as
# often as the scan saw it, no more and no less; otherwise nothing is changed and the step is refused. The file
# is rewritten in place (cp), so its owner, mode and any symbolic link to it stay.
kr_edit_remove() {
  kr_ef=$1
  kr_el=$2
  shift 2
  if [ ! -f "$kr_ef" ]; then
    kr_refuse "$kr_el is gone or is not a regular file any more: not edited"
    return 0
  fi
  kr_spec=$(mktemp) || {
    kr_refuse "no temporary file for editing $kr_el: not edited"
    return 0
  }
  kr_out=$(mktemp) || {
    rm -f -- "$kr_spec"
    kr_refuse "no temporary file for editing $kr_el: not edited"
    return 0
  }
  : >"$kr_spec"
  for kr_b in "$@"; do
    kr_n=$(printf '%s\n' "$kr_b" | wc -l)
    printf '%s\n%s\n' "$kr_n" "$kr_b" >>"$kr_spec"
  done
  # A file whose last line has no newline keeps it that way.
  kr_nonl=0
  if [ -s "$kr_ef" ] && [ -n "$(tail -c 1 -- "$kr_ef")" ]; then
    kr_nonl=1
  fi
  kr_rc=0
  LC_ALL=C awk -v spec="$kr_spec" -v nonl="$kr_nonl" '
    BEGIN {
      nb = 0
      while ((getline n < spec) > 0) {
        nb++
        len[nb] = n + 0
        for (i = 1; i <= len[nb]; i++) {
          if ((getline l < spec) <= 0) exit 9
          blk[nb, i] = l
        }
      }
    }
    { line[NR] = $0 }
    function at(b, s,    i) {
      if (s + len[b] - 1 > NR) return 0
      for (i = 1; i <= len[b]; i++) if (gone[s + i - 1] || line[s + i - 1] != blk[b, i]) return 0
      return 1
    }
    END {
      for (b = 1; b <= nb; b++) {
        found = 0
        for (s = 1; s <= NR && !found; s++) if (at(b, s)) found = s
        if (!found) exit 3
        for (i = 0; i < len[b]; i++) gone[found + i] = 1
      }
      for (b = 1; b <= nb; b++) for (s = 1; s <= NR; s++) if (at(b, s)) exit 4
      sep = ""
      for (s = 1; s <= NR; s++) if (!gone[s]) { printf "%s%s", sep, line[s]; sep = "\n" }
      if (sep != "" && !nonl) printf "\n"
    }' "$kr_ef" >"$kr_out" || kr_rc=$?
  rm -f -- "$kr_spec"
  case $kr_rc in
    0) ;;
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
  kr_say "the $# block(s) the scan saw are still in $kr_el: removing exactly those"
  if [ "$DRY_RUN" = 1 ]; then
    kr_show cp -- "(the file without those lines)" "$kr_ef"
    rm -f -- "$kr_out"
    return 0
  fi
  run cp -- "$kr_out" "$kr_ef"
  rm -f -- "$kr_out"
}
