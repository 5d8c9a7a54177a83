// Rule selection and the scan itself, as `scan` and `fix` both run them: load the rule set (built-in packs and
// --rules files), select by profile, tags, ids and skips, scan. Usage problems throw UsageError (exit 2).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProfileSelector, Severity } from '../model/rule.js';
import type { ScanResult } from '../model/result.js';
import { runScan, type ScanOptions } from '../engine/scan.js';
import { selectRules } from '../rules/select.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';
import { checkScanRoot } from './root-check.js';
import { loadRuleSet, type RuleSet } from './rule-set.js';

/** `scan --from`: the snapshot's facts, host and time instead of the live host's. Unreadable file: exit 2. */
async function snapshotReplay(file: string): Promise<Pick<ScanOptions, 'source' | 'now' | 'root'>> {
  const { readSnapshot, snapshotSource, SnapshotError } = await import('../snapshot/snapshot.js');
  try {
    const snapshot = readSnapshot(file);
    return { source: snapshotSource(snapshot), now: () => new Date(snapshot.createdAt), root: snapshot.context.root };
  } catch (err) {
    if (err instanceof SnapshotError) throw new UsageError(err.message);
    throw err;
  }
}

/** Which rules, against which root, within what time: the options `scan` and `fix` share. */
export interface RuleSelectionOptions {
  rules: string[];
  builtin: boolean;
  profile: ProfileSelector;
  tag: string[];
  rule: string[];
  skip: string[];
  root: string;
  timeout: number;
}

export interface ScanRunOptions extends RuleSelectionOptions {
  failOn: Severity;
  allowUnchecked: boolean;
  cluster: boolean;
  kubeconfig?: string;
  /** A snapshot file (kube-residue snapshot) to evaluate instead of the live host. */
  from?: string;
  context?: string;
  /** `--cluster-dump` files (implies cluster rules). */
  clusterDump?: string[];
  /** This host's Node object name; default the host name. */
  nodeName?: string;
}

/** The host name, as the kubelet registers its Node by default: of this host, or of the --root host. */
export function nodeNameOf(root: string): string {
  if (path.resolve(root) === '/') return os.hostname();
  try {
    return readFileSync(path.join(root, 'etc/hostname'), 'utf8').trim() || os.hostname();
  } catch {
    return os.hostname();
  }
}

/** `loaded`: the rule set the caller already loaded from the same options (fix plans from its templates too). */
export async function scanWithOptions(opts: ScanRunOptions, loaded?: RuleSet): Promise<ScanResult> {
  const ruleSet = loaded ?? (await loadRuleSet({ builtin: opts.builtin, extra: opts.rules }));
  const { selected, errors } = selectRules(ruleSet.rules, { profile: opts.profile, tags: opts.tag, rules: opts.rule, skip: opts.skip, cluster: opts.cluster || (opts.clusterDump?.length ?? 0) > 0 });
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  // The snapshot says which root it was taken of; another --root would be silently ignored.
  if (opts.from !== undefined && opts.root !== '/') throw new UsageError('--from and --root exclude each other: the snapshot records the root it was taken of');
  if (opts.from === undefined) checkScanRoot(opts.root, selected);
  const replay = opts.from !== undefined ? await snapshotReplay(opts.from) : undefined;
  return runScan({
    ...replay,
    rules: selected,
    root: replay?.root ?? opts.root,
    timeoutMs: opts.timeout * 1000,
    cluster: { kubeconfig: opts.kubeconfig, context: opts.context, dumps: opts.clusterDump, nodeName: opts.nodeName ?? nodeNameOf(opts.root) },
    selection: { profile: opts.profile, failOn: opts.failOn, allowUnchecked: opts.allowUnchecked, tags: opts.tag, rules: opts.rule, skip: opts.skip },
    ruleFiles: ruleSet.files,
    tool: { name: 'kube-residue', version: toolVersion, rulesVersion: ruleSet.rulesVersion },
  });
}
