// Build step: validates rules/*.yaml with the same loader the CLI uses and writes dist/builtin-rules.json, so
// the bundled CLI starts without a YAML parser or a schema compiler. Any invalid built-in rule fails the build.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CompiledRules } from '../rules/builtin.js';
import { rulesDigest } from '../rules/digest.js';
import { expandRuleArgs, formatProblem, loadRuleFiles } from '../rules/load.js';

const [rulesDir, outFile, packageRoot] = process.argv.slice(2);
if (!rulesDir || !outFile || !packageRoot) {
  process.stderr.write('usage: compile-rules <rules-dir> <out.json> <package-root>\n');
  process.exit(2);
}
const loaded = loadRuleFiles(expandRuleArgs([rulesDir]), { builtin: true, displayBase: packageRoot });
if (loaded.problems.length > 0) {
  process.stderr.write(`invalid built-in rules:\n${loaded.problems.map(formatProblem).join('\n')}\n`);
  process.exit(2);
}
const compiled: CompiledRules = { rulesVersion: rulesDigest(loaded.rules), loaded };
mkdirSync(path.dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(compiled));
process.stdout.write(`compiled ${loaded.rules.length} built-in rules from ${loaded.files.length} packs\n`);
