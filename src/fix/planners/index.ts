// The planner of every check kind. The registry is typed so that a kind without a planner (or with one for the
// wrong kind) fails `tsc`; the order of the keys is the order planners run in, which is the order refusals and
// a rule's own commands appear in the script (steps themselves are ordered by phases.ts).
import type { CheckKind } from '../../model/rule.js';
import { planCgroups } from './cgroup.js';
import { planContainers } from './container.js';
import { planFileContents } from './file-content.js';
import { planInterfaces } from './interface.js';
import { planIpsets } from './ipset.js';
import { planIptablesFindings } from './iptables.js';
import { planIpvs } from './ipvs.js';
import { planKubeResources } from './kube-resource.js';
import { planMounts } from './mount.js';
import { planNetns } from './netns.js';
import { planNftables } from './nftables.js';
import { planPaths } from './path.js';
import type { Planner } from './planner.js';
import { planPorts } from './port.js';
import { planProcesses } from './process.js';
import { planSystemdUnits } from './systemd-unit.js';

export const PLANNERS = {
  'systemd-unit': planSystemdUnits,
  process: planProcesses,
  container: planContainers,
  port: planPorts,
  mount: planMounts,
  netns: planNetns,
  interface: planInterfaces,
  iptables: planIptablesFindings,
  ipvs: planIpvs,
  nftables: planNftables,
  ipset: planIpsets,
  path: planPaths,
  'file-content': planFileContents,
  cgroup: planCgroups,
  'kube-resource': planKubeResources,
} satisfies { [K in CheckKind]: Planner<K> };

export type { Planner } from './planner.js';
