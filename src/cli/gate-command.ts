// `kube-residue gate`: the pre-join rules with a strict verdict for a node about to (re-)join a cluster.
// Exit 0 only when READY; 1 when something blocks; 3 when only unchecked blockers stand in the way.
import { EXIT } from '../engine/exit-code.js';
import { knownCniPlugins } from '../gate/cni.js';
import { gateDocument, gateText } from '../gate/render.js';
import { gateVerdict } from '../gate/verdict.js';
import { UsageError } from './errors.js';
import { scanWithOptions } from './scan-run.js';

export interface GateCommandOptions {
  rules: string[];
  builtin: boolean;
  root: string;
  timeout: number;
  cni?: string;
  allowUnchecked: boolean;
  format: 'text' | 'json';
}

export const GATE_EXIT_HELP = `Exit codes:
  0  READY: no blocker (and every blocking rule was checked, or --allow-unchecked)
  1  BLOCKED: at least one leftover blocks a join
  2  usage error or invalid rule file
  3  BLOCKED only because blocking rules could not be checked (use --allow-unchecked to accept)
  4  internal error: a bug in kube-residue, not a verdict`;

export async function gateCommand(opts: GateCommandOptions): Promise<number> {
  if (opts.cni !== undefined && !knownCniPlugins().includes(opts.cni)) {
    throw new UsageError(`unknown --cni "${opts.cni}" (known: ${knownCniPlugins().join(', ')})`);
  }
  const result = await scanWithOptions({
    rules: opts.rules,
    builtin: opts.builtin,
    profile: 'pre-join',
    tag: [],
    rule: [],
    skip: [],
    root: opts.root,
    timeout: opts.timeout,
    failOn: 'info',
    allowUnchecked: opts.allowUnchecked,
    cluster: false,
  });
  const verdict = gateVerdict(result, { cni: opts.cni, allowUnchecked: opts.allowUnchecked });
  const doc = gateDocument(verdict, result);
  process.stdout.write(opts.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : gateText(doc));
  if (doc.ready) return EXIT.clean;
  return doc.blockers.length > 0 ? EXIT.residue : EXIT.unchecked;
}
