// Which `{{var}}` names a fix template may use, per check kind. Rule validation rejects any other name, so a
// typo in a rule file fails at load time (exit 2) instead of printing a broken command.
import type { CheckKind } from './rule.js';

export const FIX_VARS: Readonly<Record<CheckKind, readonly string[]>> = {
  // targetHex: the path's real bytes when a name on it is not valid UTF-8 (target then shows \xHH escapes).
  path: ['target', 'linkTarget', 'targetHex'],
  mount: ['target', 'fstype', 'source'],
  cgroup: ['target', 'name', 'hierarchy'],
  interface: ['target', 'linkKind'],
  // Chain findings: iptables (the backend's command, e.g. ip6tables-legacy), table, chain, jumps[] (each rule that
  // jumps into the chain, as `CHAIN args...`). Rule findings: rule (the rule's words after -A, for -D).
  // rawBytes: `yes` when a name is not valid UTF-8 (shown with \xHH escapes; the fix plan refuses such a finding).
  iptables: ['target', 'iptables', 'family', 'backend', 'table', 'chain', 'jumps', 'rule', 'rawBytes'],
  nftables: ['target', 'family', 'table'],
  ipvs: ['target', 'protocolFlag', 'address'],
  ipset: ['target'],
  'systemd-unit': ['target', 'paths'],
  process: ['target', 'pid', 'comm', 'pidNamespace'],
  port: ['target', 'port', 'protocol', 'pids'],
  netns: ['target'],
  // sedDelete: a sed program deleting the matched marker block or lines, e.g. `/# kubekey hosts BEGIN/,/# kubekey hosts END/d`.
  'file-content': ['target', 'sedDelete'],
  'kube-resource': ['target', 'resource', 'name', 'namespace'],
};
