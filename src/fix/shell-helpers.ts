// The fix script's own shell code, kept in .sh files (shellcheck'd as they are, test/fix/shell-files.test.ts)
// and bundled as text. The `# shellcheck shell=sh` line is for linting the file alone; the script has its own
// header.
import argsText from './shell/args.sh';
import checksText from './shell/checks.sh';
import containerdText from './shell/containerd.sh';
import editText from './shell/edit.sh';
import helpersText from './shell/helpers.sh';
import partsText from './shell/script-parts.sh';

function body(text: string): string {
  return text.replace(/^# shellcheck shell=sh\n/, '').trimEnd();
}

/** Argument parsing: --dry-run, -n, --help, DRY_RUN. */
export const ARGS = body(argsText);
/** The functions every step calls: run, run_may_fail and the kr_* re-checks. */
export const HELPERS = [helpersText, editText, checksText, containerdText].map(body).join('\n\n');

/** The fix script's fixed lines around its steps (script-parts.sh), by name. */
export type ScriptPart =
  | 'shellcheck-directives'
  | 'strict'
  | 'newline'
  | 'dry-run-notice'
  | 'test-systemd'
  | 'test-crictl'
  | 'reboot-checks'
  | 'reboot-checks-end'
  | 'closing'
  | 'nothing-to-do';

function parts(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^# part: ([a-z-]+)$/.exec(line);
    if (m) {
      cur = [];
      out.set(m[1] ?? '', cur);
    } else if (cur) {
      cur.push(line);
    }
  }
  for (const lines of out.values()) while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return out;
}

const PARTS = parts(partsText);

/** A part's lines; `@NAME@` placeholders replaced by the (already quoted) words given. */
export function scriptPart(name: ScriptPart, words: Readonly<Record<string, string>> = {}): string[] {
  const lines = PARTS.get(name);
  if (!lines) throw new Error(`script-parts.sh has no part ${name}`);
  return lines.map((l) => l.replace(/@([A-Z]+)@/g, (m, w: string) => words[w] ?? m));
}
