// The check kinds' declarations: kind → its metadata (src/checks/<kind>.meta.ts). This is the list of kinds: the
// `Check` union (src/model/rule.ts), the rule schema's kind enum and branches (src/schema/rule-schema.ts), the
// report schema's kind enum and the README table all come from it. It imports no probe, parser or matcher, so
// reporters and the rule loader read it without the code that touches the host; the kinds' probes and matchers
// are registered in ./index.ts, which `tsc` holds to exactly these kinds.
import { cgroupKind } from './cgroup.meta.js';
import { containerKind } from './container.meta.js';
import { fileContentKind } from './file-content.meta.js';
import { interfaceKind } from './interface.meta.js';
import { ipsetKind } from './ipset.meta.js';
import { iptablesKind } from './iptables.meta.js';
import { ipvsKind } from './ipvs.meta.js';
import type { AnyKindMeta, VarsOf } from './kind.js';
import { kubeResourceKind } from './kube-resource.meta.js';
import { mountKind } from './mount.meta.js';
import { netnsKind } from './netns.meta.js';
import { nftablesKind } from './nftables.meta.js';
import { pathKind } from './path.meta.js';
import { portKind } from './port.meta.js';
import { processKind } from './process.meta.js';
import { systemdUnitKind } from './systemd-unit.meta.js';

export type { ParamsOf } from './kind.js';

/** Holds each entry's key to its `kind` (a kind registered under another name fails `tsc`). */
function kindRegistry<R extends { readonly [K in keyof R]: AnyKindMeta & { readonly kind: K } }>(kinds: R): R {
  return kinds;
}

/** In the order the README table, the schema's enum and the reports list them. */
export const KINDS = kindRegistry({
  path: pathKind,
  mount: mountKind,
  cgroup: cgroupKind,
  interface: interfaceKind,
  iptables: iptablesKind,
  nftables: nftablesKind,
  ipvs: ipvsKind,
  ipset: ipsetKind,
  'systemd-unit': systemdUnitKind,
  process: processKind,
  port: portKind,
  netns: netnsKind,
  'file-content': fileContentKind,
  'kube-resource': kubeResourceKind,
  container: containerKind,
});

export type KindRegistry = typeof KINDS;
type Kind = keyof KindRegistry;

/** Every kind, in registry order. */
export const CHECK_KINDS = Object.keys(KINDS) as Kind[];

/** Any kind's metadata, by kind name (for code that reads it for every kind alike). */
export const KIND_META: Readonly<Record<Kind, AnyKindMeta>> = KINDS;

/** The typed fix variables of a kind's findings (what `Finding.vars` holds for a finding of that kind). */
export type FixVarsOf<K extends Kind> = VarsOf<KindRegistry[K]>;

