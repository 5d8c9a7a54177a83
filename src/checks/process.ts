import { processProbe, type ProcessInfo } from '../probes/processes.js';
import type { CheckDefinition } from './check.js';
import { globMatcher } from './check.js';
import { includeExcludeMatcher } from '../rule-regex.js';

/** pidNamespace: `host` when the process is in the PID namespace of the host's PID 1; the fix plan ends no other. */
export type ProcessFixVars = { target: string; pid: string; comm: string; pidNamespace: string };

export const processCheck: CheckDefinition<'process', ProcessInfo[], ProcessFixVars> = {
  kind: 'process',
  doc: { fields: '`comm`, `exe`, `cmdline` (regex), `cmdlineExclude`; all given must match', findingPer: 'process `<comm>[<pid>]`' },
  params: { comm: 'optional', exe: 'optional', cmdline: 'optional', cmdlineExclude: 'optional' },
  regexFields: ['cmdline', 'cmdlineExclude'],
  fixVars: { target: '`<comm>[<pid>]`', pid: 'the process id', comm: 'its command name', pidNamespace: "`host`, `other` or `unknown`: whether it is in the host PID 1's PID namespace" },
  sarifPrecision: 'medium',
  probe: processProbe,
  match(check, procs) {
    const comm = globMatcher(check.comm);
    const exe = globMatcher(check.exe);
    const cmdline = includeExcludeMatcher(check.cmdline, check.cmdlineExclude);
    // A process whose exe could not be read may be the one an `exe` rule looks for: the rule is then partly unchecked.
    const unseen = exe ? procs.filter((p) => p.exeUnreadable && (!comm || comm(p.comm)) && (!cmdline || cmdline(p.cmdline))).length : 0;
    const findings = procs
      .filter((p) => (!comm || comm(p.comm)) && (!exe || (p.exe !== '' && exe(p.exe))) && (!cmdline || cmdline(p.cmdline)))
      .map((p) => ({
        target: `${p.comm}[${p.pid}]`,
        evidence: p.cmdline.length > 200 ? `${p.cmdline.slice(0, 200)}…` : p.cmdline,
        vars: { target: `${p.comm}[${p.pid}]`, pid: String(p.pid), comm: p.comm, pidNamespace: p.pidNamespace },
      }));
    return { findings, partial: unseen > 0 ? `the executable of ${unseen} process${unseen === 1 ? '' : 'es'} could not be read (permission denied; run as root)` : undefined };
  },
};
