// The fix script's own shell code, kept in .sh files (shellcheck'd as they are, test/fix/shell-files.test.ts)
// and bundled as text. The `# shellcheck shell=sh` line is for linting the file alone; the script has its own
// header.
import argsText from './shell/args.sh';
import checksText from './shell/checks.sh';
import containerdText from './shell/containerd.sh';
import editText from './shell/edit.sh';
import helpersText from './shell/helpers.sh';

function body(text: string): string {
  return text.replace(/^# shellcheck shell=sh\n/, '').trimEnd();
}

/** Argument parsing: --dry-run, -n, --help, DRY_RUN. */
export const ARGS = body(argsText);
/** The functions every step calls: run, run_may_fail and the kr_* re-checks. */
export const HELPERS = [helpersText, editText, checksText, containerdText].map(body).join('\n\n');
