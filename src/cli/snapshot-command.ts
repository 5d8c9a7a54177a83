// `kube-residue snapshot -o node.json.gz`: every probe's raw facts for all built-in rules (plus --rules), no
// verdict, into one versioned gzip file; `scan --from node.json.gz` evaluates any rule set against it later.
// Read-only on the host; writes only the named file.
import { EXIT } from '../engine/exit-code.js';
import { selectRules } from '../rules/select.js';
import { takeSnapshot, writeSnapshot } from '../snapshot/snapshot.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';
import { loadRuleSet } from './rule-set.js';
import { nodeNameOf } from './scan-run.js';

export interface SnapshotCommandOptions {
  output: string;
  rules: string[];
  builtin: boolean;
  root: string;
  timeout: number;
  cluster: boolean;
  kubeconfig?: string;
  context?: string;
  nodeName?: string;
}

export async function snapshotCommand(opts: SnapshotCommandOptions): Promise<number> {
  const ruleSet = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  // Every rule of every profile: a later scan may select any of them.
  const { selected, errors } = selectRules(ruleSet.rules, { profile: 'all', tags: [], rules: [], skip: [], cluster: opts.cluster });
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  const snapshot = await takeSnapshot({
    rules: selected,
    root: opts.root,
    timeoutMs: opts.timeout * 1000,
    cluster: { kubeconfig: opts.kubeconfig, context: opts.context, nodeName: opts.nodeName ?? nodeNameOf(opts.root) },
    tool: { name: 'kube-residue', version: toolVersion, rulesVersion: ruleSet.rulesVersion },
  });
  writeSnapshot(opts.output, snapshot);
  const failed = Object.values(snapshot.probes).filter((p) => !p.ok);
  const probes = Object.keys(snapshot.probes).length;
  process.stderr.write(`kube-residue: wrote ${opts.output}: ${probes - failed.length} of ${probes} probes gathered for ${selected.length} rules${failed.length ? ` (not gathered: ${failed.map((p) => p.probe).join(', ')}; their rules will be unchecked)` : ''}\n`);
  return EXIT.clean;
}
