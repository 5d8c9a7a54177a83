// The rule model: what a rule file (YAML, validated by src/schema/rule.schema.json) becomes in memory.
// Rules are data: a check names a probe kind and its typed parameters; nothing in a rule is ever executed.
import type { Condition } from './conditions.js';

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

export interface PathCheck {
  kind: 'path';
  /** Absolute paths or globs. `/var/run/...` and `/run/...` are the same place. */
  paths: string[];
  /** What the object must be to count; default `any`. */
  type?: 'file' | 'dir' | 'symlink' | 'any';
  /** `exists` (default) or `non-empty` (a directory with at least one entry, a file with at least one byte). */
  condition?: 'exists' | 'non-empty';
  /** Globs only: how deep below the first wildcard a match may lie (default 4). */
  maxDepth?: number;
  /** Globs matching host paths that never count (e.g. a distro file sharing a name). */
  exclude?: string[];
  /** Conditions every match must meet to count (src/model/conditions.ts): provenance, contents. */
  when?: Condition[];
}

export interface MountCheck {
  kind: 'mount';
  /** Globs over the mount point. */
  mountPoints?: string[];
  fstypes?: string[];
  /** Globs over the mount source. */
  sources?: string[];
}

export interface CgroupCheck {
  kind: 'cgroup';
  /** Globs over a cgroup directory's own name (kubepods.slice, kubepods, kube.slice). */
  names: string[];
  /** How many levels below each hierarchy root to look (default 2). */
  maxDepth?: number;
}

export interface InterfaceCheck {
  kind: 'interface';
  names?: string[];
  /** A regex (RE2 syntax) over the name; a name matching `names` or `nameRegex` counts. */
  nameRegex?: string;
  /** Names this regex matches never count (RE2 has no lookahead: "KUBE- but not KUBE-SRC-"). */
  nameRegexExclude?: string;
  /** Link kinds as `ip -d link` reports them: bridge, vxlan, veth, ipip, dummy, wireguard, geneve... */
  linkKinds?: string[];
  /** Only links enslaved to this master (e.g. veths of cni0). */
  master?: string;
}

export const IPTABLES_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'] as const;
export type IptablesTable = (typeof IPTABLES_TABLES)[number];
export type IpFamily = 'ipv4' | 'ipv6';
export type IptablesBackend = 'nft' | 'legacy';

export interface IptablesCheck {
  kind: 'iptables';
  /** Chain-name globs. Without rule* fields each matching user chain is one finding. */
  chains?: string[];
  chainRegex?: string;
  /** Chains this regex matches never count. */
  chainRegexExclude?: string;
  tables?: IptablesTable[];
  families?: IpFamily[];
  backends?: IptablesBackend[];
  /** Rule-level matching: a regex over the `--comment` text, the jump target, or the whole rule spec. */
  ruleComment?: string;
  ruleTarget?: string[];
  ruleMatch?: string;
  /** Rules whose spec this regex matches never count. */
  ruleMatchExclude?: string;
  /**
   * CNI networks of other engines (Podman's `podman`): a chain whose rules or incoming jumps name only these
   * networks (the reference plugins comment `name: "<net>" id: "<container>"`) never counts; a shared chain
   * naming none (CNI-HOSTPORT-MASQ) counts only beside chains of another network and none of these.
   */
  excludeCniNetworks?: string[];
}

export interface NftablesCheck {
  kind: 'nftables';
  tables: Array<{ family: 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev'; name: string }>;
}

export interface IpvsCheck {
  kind: 'ipvs';
  /** Globs over `PROTO address:port` of a virtual service; default: every virtual service. */
  services?: string[];
}

export interface IpsetCheck {
  kind: 'ipset';
  names?: string[];
  nameRegex?: string;
  /** Sets this regex matches never count. */
  nameRegexExclude?: string;
}

export interface SystemdUnitCheck {
  kind: 'systemd-unit';
  /** Globs over unit names (kubelet.service, kubepods*.slice). */
  units: string[];
  /** Only units under /run/systemd/transient. */
  transientOnly?: boolean;
  /** Conditions every unit found must meet to count; they look at its unit file and drop-ins. */
  when?: Condition[];
}

export interface ProcessCheck {
  kind: 'process';
  /** Globs over /proc/PID/comm (15 chars at most). */
  comm?: string[];
  /** Globs over the basename of /proc/PID/exe. */
  exe?: string[];
  /** A regex over the NUL-joined-with-spaces command line. Every given field must match. */
  cmdline?: string;
  /** Processes whose command line this regex matches never count (`k3s kubectl ...` is not the k3s server). */
  cmdlineExclude?: string;
  /**
   * Only processes of a Kubernetes pod of this host's runtime: cgroup under kubepods / k8s.io, or a descendant
   * of a containerd shim of namespace k8s.io (pause and container processes; they live in the pod's own PID
   * namespace). Without it, processes outside the host's PID namespace never match.
   */
  podMember?: boolean;
}

export interface PortCheck {
  kind: 'port';
  ports: number[];
  protocols?: Array<'tcp' | 'udp'>;
  /** Only listeners bound to one of these addresses (e.g. 169.254.25.10). */
  addresses?: string[];
}

export interface NetnsCheck {
  kind: 'netns';
  names: string[];
}

export interface FileContentCheck {
  kind: 'file-content';
  paths: string[];
  /** A regex (RE2 syntax, multiline mode: ^ and $ match at line ends) whose every match is evidence. */
  regex?: string;
  /** A marker block: the lines from `begin` to `end` inclusive. */
  marker?: { begin: string; end: string };
}

/**
 * Cluster-scope objects, read through the API server with the official client (`scan --cluster`) or from
 * `kubectl get -o json` dumps (`scan --cluster-dump`). Only selected with one of those: a node scan never
 * depends on an API server.
 */
export interface KubeResourceCheck {
  kind: 'kube-resource';
  /** The resource as kubectl names it: `namespaces`, `customresourcedefinitions`, or `<plural>.<group>` for others. */
  resource: string;
  /** Globs over metadata.name. */
  names?: string[];
  /** A label selector, e.g. `kubesphere.io/managed=true` (equality, inequality and existence terms). */
  labelSelector?: string;
  /** For namespaced resources; default: all namespaces. */
  namespace?: string;
  /** Which of the matching objects count (default `present`): see KUBE_CONDITIONS. */
  condition?: KubeCondition;
  /** Only objects naming this host's Node (--node-name): a dotted field path, and a prefix before the name. */
  thisNode?: { field: string; prefix?: string };
  /** The owner whose presence means the objects are still in use: the rule is clean while one exists. */
  unlessPresent?: { resource: string; names?: string[]; namespace?: string };
  /** condition `node-gone`: the suffix after the node name in the object's name (`.node-password.k3s`). */
  nodeNameSuffix?: string;
  /** condition `binding-subject-gone`: only bindings to this role (e.g. `cluster-admin`). */
  roleRef?: string;
  /** CustomResourceDefinitions: also count each one's instances (one list request per CRD). */
  countInstances?: boolean;
}

/**
 * present: every matching object. terminating: deletionTimestamp set (the finalizers holding it are named).
 * webhook-service-missing: a webhook configuration calling a Service that no longer exists.
 * apiservice-unavailable: an APIService whose Available condition is not True.
 * node-gone: the node named in the object's name (before nodeNameSuffix) is no longer registered.
 * binding-subject-gone: a (cluster) role binding whose ServiceAccount subjects or their namespaces are gone.
 */
export const KUBE_CONDITIONS = ['present', 'terminating', 'webhook-service-missing', 'apiservice-unavailable', 'node-gone', 'binding-subject-gone'] as const;
export type KubeCondition = (typeof KUBE_CONDITIONS)[number];

/**
 * Kubernetes pods and containers known to the container runtime, read from its own state: containerd's task
 * bundles (`<state>/io.containerd.runtime.v2.task/k8s.io/<id>/config.json` and `init.pid`) and CRI-O's
 * (`/run/containers/storage/overlay-containers/<id>/userdata`), plus containerd's metadata through `ctr` (with
 * connect and call timeouts) for stopped containers and images. Only CRI containers count: containerd's
 * `k8s.io` namespace and CRI-O's; Docker's `moby`, `default` and podman's never.
 */
export interface ContainerCheck {
  kind: 'container';
  /** pod: one finding per pod with live containers; stopped: containers and sandboxes present but not running; image: images in the CRI namespace. */
  object: 'pod' | 'stopped' | 'image';
  /** Globs over a container's name (kube-apiserver): a pod counts when one of its containers matches. */
  containers?: string[];
  /** Globs over the pod name (calico-node-*). With containers as well, either may match. */
  pods?: string[];
  /** Globs over the pod namespace. */
  podNamespaces?: string[];
  /** Globs over image names (`image` rules, and pods whose containers run a matching image). */
  images?: string[];
}

export type Check =
  | KubeResourceCheck
  | ContainerCheck
  | PathCheck
  | MountCheck
  | CgroupCheck
  | InterfaceCheck
  | IptablesCheck
  | NftablesCheck
  | IpvsCheck
  | IpsetCheck
  | SystemdUnitCheck
  | ProcessCheck
  | PortCheck
  | NetnsCheck
  | FileContentCheck;

export type CheckKind = Check['kind'];
export type CheckOf<K extends CheckKind> = Extract<Check, { kind: K }>;

export const CHECK_KINDS: readonly CheckKind[] = [
  'path',
  'mount',
  'cgroup',
  'interface',
  'iptables',
  'nftables',
  'ipvs',
  'ipset',
  'systemd-unit',
  'process',
  'port',
  'netns',
  'file-content',
  'kube-resource',
  'container',
];

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
