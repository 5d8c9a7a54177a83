// The probe contract. Probes are the only code that touches the host: they read, never write, finish within
// their time limit, and return plain data. A probe that cannot see something throws ProbeUnavailable with the
// reason, and every rule that depends on it becomes `unchecked` — never silently clean.
import type { Check } from '../model/rule.js';
import type { ProbeContext } from './context.js';

export interface Probe<Request extends Check, Facts> {
  readonly id: string;
  /** Reads the host once for every selected rule of this kind (`requests`), so no state is read twice. */
  gather(ctx: ProbeContext, requests: readonly Request[]): Promise<Facts>;
}

export class ProbeUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ProbeUnavailable';
  }
}

/** A source a probe could only partly read (one iptables backend, say): it still reports what it saw. */
export interface PartialSource<T> {
  readonly label: string;
  readonly ok: boolean;
  readonly reason?: string;
  readonly data?: T;
}
