# shellcheck shell=sh
kr_usage() {
  printf '%s\n' 'Usage: sh SCRIPT [--dry-run]' \
    '  --dry-run, -n  print every command without running it (same as DRY_RUN=1 in the environment)' \
    '  --help, -h     this text'
}
DRY_RUN=${DRY_RUN:-0}
while [ "$#" -gt 0 ]; do
  case $1 in
    --dry-run | -n) DRY_RUN=1 ;;
    --help | -h)
      kr_usage
      exit 0
      ;;
    *)
      printf 'unknown argument: %s\n' "$1" >&2
      kr_usage >&2
      exit 2
      ;;
  esac
  shift
done
# Anything but 0 (or empty) means a dry run: a typo never runs the plan by accident.
case $DRY_RUN in
  0 | '') DRY_RUN=0 ;;
  *) DRY_RUN=1 ;;
esac
