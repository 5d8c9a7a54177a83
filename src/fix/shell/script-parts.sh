# shellcheck shell=sh
# The fix script's own lines around its steps, in named parts: script.ts puts each where it belongs (the part
# is everything after its `# part: NAME` line up to the next one). @WORD@ is filled with one quoted word.
# Variables are set by the helpers (helpers.sh) and by args.sh, which come before these lines in the script, and
# kr_nl is used by the steps' arguments:
# shellcheck disable=SC2154,SC2034

# part: shellcheck-directives
# Values from the host are single-quoted or backslash-escaped on purpose, so that nothing in them expands:
# shellcheck disable=SC1001,SC2016
# part: strict
set -eu
# part: newline
# A newline, for arguments that contain one.
kr_nl='
'
# part: dry-run-notice
if [ "$DRY_RUN" = 1 ]; then
  kr_say 'DRY RUN: commands are printed, none is run'
fi
# part: test-systemd
kr_systemd_running
# part: test-crictl
command -v crictl >/dev/null 2>&1
# part: reboot-checks
kr_say 'What only a reboot (or unloading a module) clears, if still there:'
# part: reboot-checks-end
if [ "$kr_left_n" = 0 ]; then
  kr_say '  nothing'
fi
# part: closing
kr_say 'Scan again to confirm: kube-residue scan'
kr_exit
# part: nothing-to-do
printf '%s\n' @MESSAGE@
exit 0
