// The last line of defence: an error nobody expected (a bug) ends the run with exit code 4 and one line on
// stderr, never a stack trace on a user's terminal (unless --debug) and never exit 1, which means "residue found".
import { writeSync } from 'node:fs';
import { EXIT } from '../engine/exit-code.js';

/** --debug anywhere on the command line: stack traces are printed for internal errors. */
export function debugWanted(argv: readonly string[]): boolean {
  return argv.includes('--debug');
}

/** One line for stderr: the error's first line, or its stack with --debug. */
export function internalErrorMessage(err: unknown, debug: boolean): string {
  const e = err instanceof Error ? err : new Error(String(err));
  if (debug) return `kube-residue: internal error: ${e.stack ?? e.message}\n`;
  const first = (e.message.split('\n')[0] ?? '').trim() || e.name;
  return `kube-residue: internal error: ${first} (a bug in kube-residue; run again with --debug for the stack trace)\n`;
}

/** Routes unhandled rejections and uncaught exceptions to exit code 4. */
export function installFatalHandlers(argv: readonly string[]): void {
  const die = (err: unknown): void => {
    try {
      writeSync(2, internalErrorMessage(err, debugWanted(argv)));
    } finally {
      process.exit(EXIT.internal);
    }
  };
  process.on('unhandledRejection', die);
  process.on('uncaughtException', die);
}
