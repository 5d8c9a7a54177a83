// Rule selection and the scan itself, as `scan` and `fix` both run them: load the rule set (built-in packs and
// --rules files), select by profile, tags, ids and skips, scan. Usage problems throw UsageError (exit 2).
import type { ProfileSelector, Severity } from '../model/rule.js';
import type { ScanResult } from '../model/result.js';
import { runScan } from '../engine/scan.js';
import { selectRules } from '../rules/select.js';
import { toolVersion } from '../version.js';
import { UsageError } from './errors.js';
import { checkScanRoot } from './root-check.js';
import { loadRuleSet } from './rule-set.js';

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
}

export async function scanWithOptions(opts: ScanRunOptions): Promise<ScanResult> {
  const ruleSet = await loadRuleSet({ builtin: opts.builtin, extra: opts.rules });
  const { selected, errors } = selectRules(ruleSet.rules, { profile: opts.profile, tags: opts.tag, rules: opts.rule, skip: opts.skip, cluster: opts.cluster });
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  checkScanRoot(opts.root, selected);
  return runScan({
    rules: selected,
    root: opts.root,
    timeoutMs: opts.timeout * 1000,
    kubeconfig: opts.kubeconfig,
    selection: { profile: opts.profile, failOn: opts.failOn, allowUnchecked: opts.allowUnchecked, tags: opts.tag, rules: opts.rule, skip: opts.skip },
    ruleFiles: ruleSet.files,
    tool: { name: 'kube-residue', version: toolVersion, rulesVersion: ruleSet.rulesVersion },
  });
}
