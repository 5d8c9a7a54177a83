// The check kinds: kind → its module. Adding a kind is one module plus one line here; the `satisfies` below makes
// a missing, extra or mistyped kind a compile error, not a scan that dies.
import os from 'node:os';
import type { Check, CheckKind } from '../model/rule.js';
import type { ProbeContext } from '../probes/context.js';
import type { ClusterOptions } from '../probes/kube-resources.js';
import type { Probe } from '../probes/probe.js';
import type { CheckDefinition, FixVarsShape, MatchOutcome, SarifPrecision } from './check.js';
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
export interface AnyCheckDefinition {
  readonly kind: CheckKind;
  readonly doc: { readonly fields: string; readonly findingPer: string };
  readonly params: Readonly<Record<string, 'required' | 'optional'>>;
  readonly regexFields: readonly string[];
  readonly fixVars: Readonly<Record<string, string>>;
  readonly sarifPrecision: SarifPrecision;
  readonly startOrder?: number;
  readonly probe: Probe<Check, unknown>;
  match(check: Check, facts: unknown, ctx: ProbeContext): MatchOutcome;
}

type CheckRegistry = { readonly [K in CheckKind]: CheckDefinition<K, unknown, FixVarsShape> };

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

type Registry = ReturnType<typeof checkDefinitions>;

/** The typed fix variables of a kind's findings (what `Finding.vars` holds for a finding of that kind). */
export type FixVarsOf<K extends CheckKind> = Registry[K] extends CheckDefinition<K, unknown, infer V> ? V : never;

/**
 * Every kind's definition, for code that reads metadata (fix variables, regex fields, SARIF precision) and runs
 * no probe. Its kube-resource probe has no cluster options; the scan builds its own with checkDefinitions().
 */
export const CHECKS: Readonly<Record<CheckKind, AnyCheckDefinition>> = checkDefinitions({});
