// The check kinds: kind → definition. Adding a kind is one file plus one line here.
import type { CheckKind } from '../model/rule.js';
import type { ClusterOptions } from '../probes/kube-resources.js';
import type { CheckDefinition } from './check.js';
import { cgroupCheck } from './cgroup.js';
import { fileContentCheck } from './file-content.js';
import { interfaceCheck } from './interface.js';
import { ipsetCheck } from './ipset.js';
import { iptablesCheck } from './iptables.js';
import { ipvsCheck } from './ipvs.js';
import { containerCheck } from './container.js';
import { createKubeResourceCheck } from './kube-resource.js';
import { mountCheck } from './mount.js';
import { netnsCheck } from './netns.js';
import { nftablesCheck } from './nftables.js';
import { pathCheck } from './path.js';
import { portCheck } from './port.js';
import { processCheck } from './process.js';
import { systemdUnitCheck } from './systemd-unit.js';

/** Each definition's facts type is private to it; the engine only passes them from its probe to its match. */
export type AnyCheckDefinition = CheckDefinition<CheckKind, unknown>;

export function checkDefinitions(opts: { cluster: ClusterOptions }): Record<CheckKind, AnyCheckDefinition> {
  const defs = {
    path: pathCheck,
    mount: mountCheck,
    cgroup: cgroupCheck,
    interface: interfaceCheck,
    iptables: iptablesCheck,
    nftables: nftablesCheck,
    ipvs: ipvsCheck,
    ipset: ipsetCheck,
    'systemd-unit': systemdUnitCheck,
    process: processCheck,
    port: portCheck,
    netns: netnsCheck,
    'file-content': fileContentCheck,
    'kube-resource': createKubeResourceCheck(opts.cluster),
    container: containerCheck,
  };
  return defs as unknown as Record<CheckKind, AnyCheckDefinition>;
}
