// The check kinds' probes and matchers: kind → its module. The kinds themselves are listed (with their metadata)
// in ./kinds.ts; the `satisfies` below holds this registry to exactly those kinds, so a missing, extra or mistyped
// kind is a compile error, not a scan that dies. Only the engine (and snapshots) import this file: it pulls every
// probe. Code that only reads metadata imports ./kinds.ts.
import os from 'node:os';
import type { Check, CheckKind } from '../model/rule.js';
import type { ProbeContext } from '../probes/context.js';
import type { ClusterOptions } from '../probes/kube-resources.js';
import type { Probe } from '../probes/probe.js';
import type { CheckDefinition, MatchOutcome } from './check.js';
import type { AnyKindMeta } from './kind.js';
import type { FixVarsOf } from './kinds.js';
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

/**
 * Any kind's definition with its types erased: each definition's facts type is private to it (the engine only
 * passes them from its probe to its match), and code reading metadata needs no kind's parameter types.
 */
export interface AnyCheckDefinition extends AnyKindMeta {
  readonly kind: CheckKind;
  readonly probe: Probe<Check, unknown>;
  match(check: Check, facts: unknown, ctx: ProbeContext): MatchOutcome;
}

type CheckRegistry = { readonly [K in CheckKind]: CheckDefinition<K, unknown, FixVarsOf<K>> };

export interface CheckOptions {
  /** For `kube-resource`: where the cluster rules read from (kubeconfig, context, dumps) and this host's Node name. */
  cluster?: ClusterOptions;
}

export function checkDefinitions(opts: CheckOptions) {
  return {
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
    'kube-resource': createKubeResourceCheck(opts.cluster ?? { nodeName: os.hostname() }),
    container: containerCheck,
  } satisfies CheckRegistry;
}

export type { FixVarsOf } from './kinds.js';

/** Every kind's full definition, for tests that run matchers without a scan (no cluster options). */
export const CHECKS: Readonly<Record<CheckKind, AnyCheckDefinition>> = checkDefinitions({});
