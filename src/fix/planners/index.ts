// Every check kind's fix side (planners/<kind>.ts): its planner, where its refusals show, how a report's values
// are read and which values its rule can produce. The registry is typed so that a kind without one (or with
// another kind's) fails `tsc`; the order of the keys is the order planners run in, which is the order refusals
// and a rule's own commands appear in the script (steps themselves are ordered by phases.ts).
import type { Finding } from '../../model/result.js';
import type { CheckKind } from '../../model/rule.js';
import type { PhaseId } from '../phases.js';
import { ValueReader, type ReadValues } from '../values.js';
import { cgroupFix } from './cgroup.js';
import { containerFix } from './container.js';
import { fileContentFix } from './file-content.js';
import { interfaceFix } from './interface.js';
import { ipsetFix } from './ipset.js';
import { iptablesFix } from './iptables.js';
import { ipvsFix } from './ipvs.js';
import { kubeResourceFix } from './kube-resource.js';
import { mountFix } from './mount.js';
import { netnsFix } from './netns.js';
import { nftablesFix } from './nftables.js';
import { pathFix } from './path.js';
import { portFix } from './port.js';
import { processFix } from './process.js';
import { systemdUnitFix } from './systemd-unit.js';
import type { KindFix } from './planner.js';

export const KIND_FIXES = {
  'systemd-unit': systemdUnitFix,
  process: processFix,
  container: containerFix,
  port: portFix,
  mount: mountFix,
  netns: netnsFix,
  interface: interfaceFix,
  iptables: iptablesFix,
  ipvs: ipvsFix,
  nftables: nftablesFix,
  ipset: ipsetFix,
  path: pathFix,
  'file-content': fileContentFix,
  cgroup: cgroupFix,
  'kube-resource': kubeResourceFix,
} satisfies { [K in CheckKind]: KindFix<K> };

/** The registry's entry for a kind, with its type parameter kept (indexing with one loses the pairing). */
export function kindFix<K extends CheckKind>(kind: K): KindFix<K> {
  return KIND_FIXES[kind] as unknown as KindFix<K>;
}

/** The finding's values in the shape of its kind, or why they do not have it. */
export function readValues<K extends CheckKind>(kind: K, finding: Pick<Finding, 'target' | 'vars'>): ReadValues<K> {
  const reader = new ValueReader(finding.vars, finding);
  const values = kindFix(kind).readValues(reader);
  return reader.problem === undefined ? { ok: true, values } : { ok: false, problem: reader.problem };
}

/** Where a refusal of this kind is shown in the script. */
export function refusalPhase(kind: CheckKind): PhaseId {
  return KIND_FIXES[kind].refusalPhase;
}

export type { KindFix, Planner } from './planner.js';
