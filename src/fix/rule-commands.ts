// Reads a command into words as a shell would: a rule's fix template once (template.ts, with its variables as
// placeholders), so the plan can tell what a rule asks for (remove this path, stop that unit, reload systemd) and
// pass commands to the script's run() as separate arguments. A command using shell syntax (a pipe, a glob, a
// variable, a redirection) is not turned into words: the plan shows it for a person instead of running it.
import shellQuote from 'shell-quote';

export type ParsedCommand = { ok: true; words: string[] } | { ok: false; problem: string };

/** The text outside single quotes and backslash escapes: where `$` and backticks would be live. */
function unquotedText(text: string): string {
  return text.replace(/'[^']*'|\\[\s\S]/g, ' ');
}

/** Does the command have a glob character outside quotes and backslash escapes (one the shell would expand)? */
function hasLiveGlob(text: string): boolean {
  return /[*?[]/.test(unquotedText(text).replace(/"(?:[^"\\]|\\[\s\S])*"/g, ' '));
}

export function parseCommand(text: string): ParsedCommand {
  const live = unquotedText(text);
  if (live.includes('`')) return { ok: false, problem: 'uses command substitution' };
  let usesVariable = false;
  const entries = shellQuote.parse(text, (name: string) => {
    usesVariable = true;
    return `$${name}`;
  });
  if (usesVariable) return { ok: false, problem: 'uses a shell variable' };
  const words: string[] = [];
  for (const e of entries) {
    if (typeof e === 'string') {
      words.push(e);
      continue;
    }
    if ('comment' in e) return { ok: false, problem: 'contains a comment' };
    // shell-quote reports `k3s-\*` (an escaped, literal star) as a glob too: only a live one is.
    if ('op' in e && e.op === 'glob') {
      if (hasLiveGlob(text)) return { ok: false, problem: `uses a glob (${e.pattern})` };
      words.push(e.pattern);
      continue;
    }
    if ('op' in e) return { ok: false, problem: `uses shell syntax (${e.op})` };
    return { ok: false, problem: 'uses shell syntax' };
  }
  if (words.length === 0) return { ok: false, problem: 'empty command' };
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '') && /^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(text)) return { ok: false, problem: 'sets a shell variable' };
  return { ok: true, words };
}

export interface RmCommand {
  recursive: boolean;
  operands: string[];
}

/** `rm [-r|-R|-f|--recursive|--force]... [--] operands` → flags and operands; anything else → undefined. */
export function rmCommand(words: readonly string[]): RmCommand | undefined {
  if (words[0] !== 'rm') return undefined;
  let recursive = false;
  let i = 1;
  for (; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '--') {
      i++;
      break;
    }
    if (w === '--recursive') recursive = true;
    else if (w === '--force') continue;
    else if (/^-[rRf]+$/.test(w)) recursive ||= /[rR]/.test(w);
    else if (w.startsWith('-')) return undefined;
    else break;
  }
  const operands = words.slice(i);
  return operands.length > 0 ? { recursive, operands } : undefined;
}

export type SystemctlAction = { verb: 'stop' | 'disable-now' | 'disable' | 'daemon-reload' | 'other'; units: string[] };

/** `systemctl disable --now X`, `systemctl stop X`, `systemctl daemon-reload`; undefined when not systemctl. */
export function systemctlCommand(words: readonly string[]): SystemctlAction | undefined {
  if (words[0] !== 'systemctl') return undefined;
  const rest = words.slice(1);
  const flags = rest.filter((w) => w.startsWith('-'));
  const args = rest.filter((w) => !w.startsWith('-'));
  const verb = args[0];
  const units = args.slice(1);
  if (verb === 'daemon-reload' && units.length === 0) return { verb: 'daemon-reload', units };
  if (verb === 'stop' && flags.length === 0) return { verb: 'stop', units };
  if (verb === 'disable' && flags.length === 1 && flags[0] === '--now') return { verb: 'disable-now', units };
  if (verb === 'disable' && flags.length === 0) return { verb: 'disable', units };
  return { verb: 'other', units };
}

/** `sed -i PROGRAM FILE`: the one shape of in-place edit the plan merges per file. */
export function sedInPlace(words: readonly string[]): { program: string; file: string } | undefined {
  if (words.length === 4 && words[0] === 'sed' && words[1] === '-i' && !(words[2] ?? '').startsWith('-')) {
    return { program: words[2] ?? '', file: words[3] ?? '' };
  }
  return undefined;
}
