// Built-in rules. The bundle reads dist/builtin-rules.json, which the build validated and compiled from
// rules/*.yaml (no YAML parser or schema compiler at start-up); from the sources the YAML is read directly.
import { readFileSync } from 'node:fs';
import { builtinRulesDir, compiledRulesFile, isBundled, packageRoot } from '../package-location.js';
import { SEA_RULES_ASSET, seaTextAsset } from '../sea.js';
import type { LoadedRules } from './load.js';

export interface CompiledRules {
  rulesVersion: string;
  loaded: LoadedRules;
}

export async function loadBuiltinRules(): Promise<CompiledRules> {
  if (isBundled) return JSON.parse(seaTextAsset(SEA_RULES_ASSET) ?? readFileSync(compiledRulesFile, 'utf8')) as CompiledRules;
  const { expandRuleArgs, loadRuleFiles } = await import('./load.js');
  const { rulesDigest } = await import('./digest.js');
  const loaded = loadRuleFiles(expandRuleArgs([builtinRulesDir]), { builtin: true, displayBase: packageRoot });
  return { rulesVersion: rulesDigest(loaded.rules), loaded };
}
