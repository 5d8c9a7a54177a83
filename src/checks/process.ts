import { processProbe, type ProcessInfo } from '../probes/processes.js';
import type { CheckDefinition } from './check.js';
import { globMatcher } from './check.js';

export const processCheck: CheckDefinition<'process', ProcessInfo[]> = {
  kind: 'process',
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
