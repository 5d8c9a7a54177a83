import { call, seenLine } from '../builder.js';
import { pidProblem } from '../safety.js';
import type { KindFix, Planner } from './planner.js';

/** Ports: end the processes that still listen there when the script runs (checked with ss). */
export const planPorts: Planner<'port'> = (entries, b) => {
  for (const e of entries) {
    b.routeRuleFix(e, { structural: new Set(['kill']) });
    const { protocol: proto, port, pids } = e.values;
    if (!/^(tcp|udp)$/.test(proto) || !/^[0-9]{1,5}$/.test(port)) {
      b.refuse(e, 'not a protocol and port');
      continue;
    }
    const bad = pids.find((p) => pidProblem(p) !== undefined);
    if (bad !== undefined) {
      b.refuse(e, `pid ${bad}: ${pidProblem(bad) ?? ''}`, ['kill', ...pids]);
      continue;
    }
    b.step(
      'port',
      pids.length === 0
        ? { phase: 'workloads', ruleIds: [e.rule.ruleId], comment: [seenLine(e), 'The scan saw no process owning it: a kernel socket (a VXLAN or WireGuard device\u2019s) goes with its interface below; anything else shows up again in the rescan.'], blocks: [] }
        : {
            phase: 'workloads',
            ruleIds: [e.rule.ruleId],
            comment: [`Port ${proto}/${port}: end the processes that still listen on it (checked with ss at run time; usually gone with their shim above).`, seenLine(e)],
            blocks: [call('kr_kill_port', proto, port, ...pids)],
          },
    );
  }
};

/** The port kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const portFix: KindFix<'port'> = {
  plan: planPorts,
  refusalPhase: 'workloads',
  readValues: (r) => ({ target: r.target(), port: r.word('port'), protocol: r.word('protocol'), pids: r.words('pids') }),
  fits: (c, v) => (c.ports.map(String).includes(v.port) && (c.protocols ?? ['tcp', 'udp']).includes(v.protocol as 'tcp' | 'udp') ? undefined : `${v.protocol}/${v.port} is not a port the rule looks for`),
};
