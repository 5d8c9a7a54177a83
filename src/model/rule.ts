// The rule model: what a rule file (YAML, validated by the rule schema, src/schema/rule-schema.ts) becomes in memory.
// Rules are data: a check names a probe kind and its typed parameters; nothing in a rule is ever executed.
import type { KindRegistry, ParamsOf } from '../checks/kinds.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * post-reset: the node was reset and may run Kubernetes again (the runtime, its packages and repos stay).
 * pre-join: only what breaks or corrupts the next join. decommission: the node leaves Kubernetes for good, so
 * also what a reset rightly keeps (Kubernetes packages, binaries and repos, a runtime an installer put there).
 */
export const PROFILES = ['post-reset', 'pre-join', 'decommission'] as const;
export type Profile = (typeof PROFILES)[number];
/** `all` is not a rule profile: it selects every rule. */
export type ProfileSelector = Profile | 'all';

export type RebootClears = true | false | 'recreated-if-enabled';

export const IPTABLES_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'] as const;
export type IptablesTable = (typeof IPTABLES_TABLES)[number];
export type IpFamily = 'ipv4' | 'ipv6';
export type IptablesBackend = 'nft' | 'legacy';

/**
 * A rule's check: one kind's parameters, as the kind declares them in src/checks/<kind>.meta.ts. The union is
 * derived from the kinds' registry (src/checks/kinds.ts) through a type-only import, which the build erases: the
 * model still imports nothing at run time (test/structure/layering.test.ts).
 */
export type Check = { [K in keyof KindRegistry]: ParamsOf<KindRegistry[K]> }[keyof KindRegistry];
export type CheckKind = Check['kind'];
export type CheckOf<K extends CheckKind> = Extract<Check, { kind: K }>;

// Shorthands the existing probes and tests use; a new kind needs none (write CheckOf<'kind'>).
export type PathCheck = CheckOf<'path'>;
export type MountCheck = CheckOf<'mount'>;
export type CgroupCheck = CheckOf<'cgroup'>;
export type InterfaceCheck = CheckOf<'interface'>;
export type IptablesCheck = CheckOf<'iptables'>;
export type NftablesCheck = CheckOf<'nftables'>;
export type IpvsCheck = CheckOf<'ipvs'>;
export type IpsetCheck = CheckOf<'ipset'>;
export type SystemdUnitCheck = CheckOf<'systemd-unit'>;
export type ProcessCheck = CheckOf<'process'>;
export type PortCheck = CheckOf<'port'>;
export type NetnsCheck = CheckOf<'netns'>;
export type FileContentCheck = CheckOf<'file-content'>;
export type KubeResourceCheck = CheckOf<'kube-resource'>;
export type ContainerCheck = CheckOf<'container'>;

export interface Fix {
  /** Command templates, text for a person. `{{var}}` is replaced by a shell-quoted value of the finding. */
  commands: string[];
  note?: string;
}

/** Where a rule was defined: used by SARIF to point at the rule and by error messages. */
export interface RuleSource {
  /** Path as given by the user, or `rules/<file>` for built-in rules. */
  file: string;
  line: number;
  builtin: boolean;
}

export interface Rule {
  id: string;
  title: string;
  severity: Severity;
  description: string;
  tags: string[];
  profiles: Profile[];
  check: Check;
  fix: Fix;
  rebootClears: RebootClears;
  references: string[];
  /**
   * Why a finding of this rule stops a node from (re-)joining a cluster: the failure an operator would otherwise
   * meet (a kubeadm preflight error, old pods started by the kubelet). Only rules with it block `kube-residue gate`.
   */
  blocksJoin?: string;
  /** The pack: the rule file's `pack` name (kubeadm, kubespray, calico, ...). */
  pack: string;
  source: RuleSource;
}

/** A rule file as written by a person. */
export interface RuleFile {
  pack: string;
  description?: string;
  rules: Array<Omit<Rule, 'pack' | 'source'>>;
}
