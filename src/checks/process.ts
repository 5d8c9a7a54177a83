import { processProbe, type ProcessInfo } from '../probes/processes.js';
import type { CheckDefinition } from './check.js';
import { globMatcher } from './check.js';

/** pidNamespace: `host` when the process is in the PID namespace of the host's PID 1; the fix plan ends no other. */
export type ProcessFixVars = { target: string; pid: string; comm: string; pidNamespace: string };

export const processCheck: CheckDefinition<'process', ProcessInfo[], ProcessFixVars> = {
  kind: 'process',
  doc: { fields: '`comm`, `exe`, `cmdline` (regex); all given must match', findingPer: 'process `<comm>[<pid>]`' },
  params: { comm: 'optional', exe: 'optional', cmdline: 'optional' },
  regexFields: ['cmdline'],
  fixVars: { target: '`<comm>[<pid>]`', pid: 'the process id', comm: 'its command name', pidNamespace: "`host`, `other` or `unknown`: whether it is in the host PID 1's PID namespace" },
  sarifPrecision: 'medium',
  probe: processProbe,
  match(check, procs) {
    const comm = globMatcher(check.comm);
    const exe = globMatcher(check.exe);
    const cmdline = check.cmdline ? new RegExp(check.cmdline) : undefined;
    const findings = procs
      .filter((p) => (!comm || comm(p.comm)) && (!exe || (p.exe !== '' && exe(p.exe))) && (!cmdline || cmdline.test(p.cmdline)))
      .map((p) => ({
        target: `${p.comm}[${p.pid}]`,
        evidence: p.cmdline.length > 200 ? `${p.cmdline.slice(0, 200)}…` : p.cmdline,
        vars: { target: `${p.comm}[${p.pid}]`, pid: String(p.pid), comm: p.comm, pidNamespace: p.pidNamespace },
      }));
    return { findings };
  },
};
