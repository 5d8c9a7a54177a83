// Hand-built facts for the check-kind unit tests (goss's resource tests with fake system facts are the model):
// a probe context that reads nothing, and a helper that runs one kind's match on one rule's parameters.
import type { CheckDefinition, FixVarsShape, MatchOutcome } from '../../src/checks/check.js';
import type { CheckKind, CheckOf } from '../../src/model/rule.js';
import type { ProbeContext } from '../../src/probes/context.js';

/** A context for a systemd host scanned at `/` (where /var/run is /run); it never touches the machine. */
export function fakeContext(overrides: Partial<ProbeContext> = {}): ProbeContext {
  const cache = new Map<string, unknown>();
  return {
    root: '/',
    onHost: true,
    timeoutMs: 1000,
    varRunIsRun: true,
    hostPath: (p) => p,
    hostPathFollow: (p) => p,
    hostPathBytes: (p) => p,
    hostPathFollowBytes: (p) => p,
    toHostPath: (p) => p,
    memo<T>(key: string, compute: () => T): T {
      if (!cache.has(key)) cache.set(key, compute());
      return cache.get(key) as T;
    },
    ...overrides,
  };
}

/** One rule's parameters (without `kind`) compared with the given facts. */
export function match<K extends CheckKind, F, V extends FixVarsShape>(
  def: CheckDefinition<K, F, V>,
  params: Omit<CheckOf<K>, 'kind'>,
  facts: F,
  ctx: ProbeContext = fakeContext(),
): MatchOutcome<V> {
  return def.match({ kind: def.kind, ...params } as CheckOf<K>, facts, ctx);
}

export function targets(outcome: MatchOutcome<FixVarsShape>): string[] {
  return outcome.findings.map((f) => f.target).sort();
}
