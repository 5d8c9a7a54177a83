// A time limit for comparing one rule to its facts, like the probe's time limit (--timeout) for reading them.
// Matching is synchronous, so a timer cannot interrupt it: the long loops (regex tests) look at the clock
// themselves and throw ComparisonTimeout, which the engine turns into an `unchecked` rule with the reason.
// Only one comparison runs at a time (it is synchronous), so one module-level deadline is enough.

export class ComparisonTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`comparison timed out after ${limitMs >= 1000 ? `${Math.round(limitMs / 100) / 10}s` : `${Math.round(limitMs)}ms`} (--timeout)`);
    this.name = 'ComparisonTimeout';
  }
}

let deadline = Number.POSITIVE_INFINITY;
let limit = 0;

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs `compare` with a deadline `ms` from now; nested calls keep the outer deadline once they return. */
export function withComparisonDeadline<T>(ms: number, compare: () => T): T {
  const saved = [deadline, limit] as const;
  deadline = nowMs() + ms;
  limit = ms;
  try {
    return compare();
  } finally {
    [deadline, limit] = saved;
  }
}

/** Throws ComparisonTimeout when the current comparison is past its deadline. */
export function checkComparisonDeadline(): void {
  if (deadline !== Number.POSITIVE_INFINITY && nowMs() > deadline) throw new ComparisonTimeout(limit);
}
