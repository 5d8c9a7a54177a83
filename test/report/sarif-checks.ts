// Reusable SARIF checks: the official OASIS SARIF 2.1.0 schema (JSON Schema draft-04, loaded into Ajv after
// normalising its `$schema`/`id` keywords, which are the only draft-04 specifics it uses) plus the ingestion rules of
// GitHub code scanning, which rejects a whole file when one of them is broken.
//
// Every function returns a list of problems (empty = fine), so any test can do
// `expect(sarifProblems(text)).toEqual([])` on real scan output.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** GitHub code scanning's hard limits (docs: "SARIF results exceed limits"). */
export const GITHUB_LIMITS = {
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  extensionsPerRun: 100,
  tagsPerRule: 20,
  locationsPerResult: 1_000,
  threadFlowLocationsPerResult: 10_000,
} as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

let validator: ValidateFunction | undefined;

function sarifValidator(): ValidateFunction {
  if (validator) return validator;
  const raw = JSON.parse(readFileSync(new URL('./sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as Json;
  // Draft-04 → what Ajv (draft-07 by default) reads: `id` is `$id`, and the draft-04 meta-schema is not needed. The
  // SARIF schema uses no other draft-04-only keyword (no boolean exclusiveMinimum/Maximum).
  const { $schema: _ignored, id, ...rest } = raw;
  const schema: Json = { $id: id, ...rest };
  const ajv = new Ajv({ allErrors: true, strict: false });
  // ajv-formats is CommonJS; its default export is the plugin with a `.default` alias.
  const plugin = (addFormats as unknown as { default: (a: Ajv) => Ajv }).default;
  plugin(ajv);
  validator = ajv.compile(schema);
  return validator;
}

/** Problems against the official SARIF 2.1.0 schema. */
export function sarifSchemaErrors(log: unknown): string[] {
  const validate = sarifValidator();
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `schema: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

function checkText(where: string, message: unknown, problems: string[], required: boolean): void {
  if (message === undefined) {
    if (required) problems.push(`${where}: missing`);
    return;
  }
  if (!isObject(message) || !nonEmptyString(message['text'])) problems.push(`${where}.text: empty or missing`);
}

/** A URI reference a consumer can resolve: no whitespace or controls, relative when a base id is given. */
function checkArtifactLocation(where: string, loc: unknown, problems: string[]): void {
  if (!isObject(loc)) {
    problems.push(`${where}: missing artifactLocation`);
    return;
  }
  const uri = loc['uri'];
  if (!nonEmptyString(uri)) {
    problems.push(`${where}.uri: empty or missing`);
    return;
  }
  if (/[\s\u0000-\u001f\u007f<>"{}|\\^`]/.test(uri)) problems.push(`${where}.uri: not a valid URI reference: ${JSON.stringify(uri)}`);
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri);
  if (loc['uriBaseId'] !== undefined && hasScheme) problems.push(`${where}: uriBaseId given but uri is absolute`);
  if (loc['uriBaseId'] !== undefined && !nonEmptyString(loc['uriBaseId'])) problems.push(`${where}.uriBaseId: empty`);
}

function checkRule(where: string, rule: unknown, ids: Set<string>, problems: string[]): void {
  if (!isObject(rule)) {
    problems.push(`${where}: not an object`);
    return;
  }
  const id = rule['id'];
  if (!nonEmptyString(id)) problems.push(`${where}.id: empty or missing`);
  else if (ids.has(id)) problems.push(`${where}.id: duplicate rule id ${id}`);
  else ids.add(id);
  if (rule['name'] !== undefined && !nonEmptyString(rule['name'])) problems.push(`${where}.name: empty`);
  checkText(`${where}.shortDescription`, rule['shortDescription'], problems, false);
  checkText(`${where}.fullDescription`, rule['fullDescription'], problems, false);
  const help = rule['help'];
  if (help !== undefined) {
    checkText(`${where}.help`, help, problems, false);
    if (isObject(help) && help['markdown'] !== undefined && !nonEmptyString(help['markdown'])) problems.push(`${where}.help.markdown: empty`);
  }
  const props = rule['properties'];
  if (isObject(props)) {
    const tags = asArray(props['tags']);
    if (tags.length > GITHUB_LIMITS.tagsPerRule) problems.push(`${where}: ${tags.length} tags (GitHub allows ${GITHUB_LIMITS.tagsPerRule})`);
    if (tags.some((t) => !nonEmptyString(t))) problems.push(`${where}.properties.tags: empty tag`);
    const sev = props['security-severity'];
    if (sev !== undefined) {
      const n = typeof sev === 'string' && /^\d+(\.\d+)?$/.test(sev) ? Number(sev) : Number.NaN;
      if (!(n >= 0 && n <= 10)) problems.push(`${where}.properties.security-severity: ${JSON.stringify(sev)} is not a string "0.0"-"10.0"`);
    }
    const precision = props['precision'];
    if (precision !== undefined && !['very-high', 'high', 'medium', 'low'].includes(String(precision))) {
      problems.push(`${where}.properties.precision: ${JSON.stringify(precision)}`);
    }
  }
}

function checkResult(where: string, result: unknown, rules: unknown[], problems: string[]): void {
  if (!isObject(result)) {
    problems.push(`${where}: not an object`);
    return;
  }
  const ruleId = result['ruleId'];
  if (!nonEmptyString(ruleId)) problems.push(`${where}.ruleId: empty or missing`);
  const ruleIndex = result['ruleIndex'];
  if (ruleIndex === undefined) {
    problems.push(`${where}.ruleIndex: missing`);
  } else if (typeof ruleIndex !== 'number' || !Number.isInteger(ruleIndex) || ruleIndex < 0 || ruleIndex >= rules.length) {
    problems.push(`${where}.ruleIndex: ${String(ruleIndex)} is outside tool.driver.rules (${rules.length})`);
  } else {
    const rule = rules[ruleIndex];
    if (!isObject(rule) || rule['id'] !== ruleId) problems.push(`${where}.ruleIndex: ${ruleIndex} points at ${isObject(rule) ? String(rule['id']) : '?'}, not ${String(ruleId)}`);
  }
  checkText(`${where}.message`, result['message'], problems, true);
  const level = result['level'];
  if (level !== undefined && !['error', 'warning', 'note', 'none'].includes(String(level))) problems.push(`${where}.level: ${String(level)}`);

  const locations = asArray(result['locations']);
  if (locations.length === 0) problems.push(`${where}.locations: none (GitHub rejects a result without a physical location)`);
  if (locations.length > GITHUB_LIMITS.locationsPerResult) problems.push(`${where}.locations: ${locations.length} (GitHub allows ${GITHUB_LIMITS.locationsPerResult})`);
  locations.forEach((loc, i) => {
    const physical = isObject(loc) ? loc['physicalLocation'] : undefined;
    if (!isObject(physical)) {
      problems.push(`${where}.locations[${i}].physicalLocation: missing`);
      return;
    }
    checkArtifactLocation(`${where}.locations[${i}].physicalLocation.artifactLocation`, physical['artifactLocation'], problems);
    const region = physical['region'];
    const startLine = isObject(region) ? region['startLine'] : undefined;
    if (typeof startLine !== 'number' || !Number.isInteger(startLine) || startLine < 1) {
      problems.push(`${where}.locations[${i}].physicalLocation.region.startLine: ${String(startLine)} (must be an integer >= 1)`);
    }
  });

  const fp = result['partialFingerprints'];
  if (!isObject(fp) || Object.keys(fp).length === 0) problems.push(`${where}.partialFingerprints: missing`);
  else if (Object.values(fp).some((v) => !nonEmptyString(v))) problems.push(`${where}.partialFingerprints: empty value`);

  for (const [f, flow] of asArray(result['codeFlows']).entries()) {
    const count = asArray(isObject(flow) ? flow['threadFlows'] : undefined).reduce<number>(
      (n, t) => n + asArray(isObject(t) ? t['locations'] : undefined).length,
      0,
    );
    if (count > GITHUB_LIMITS.threadFlowLocationsPerResult) problems.push(`${where}.codeFlows[${f}]: ${count} thread flow locations`);
  }
}

/** What GitHub code scanning checks on upload (and what we promise on top: rule indexes, fingerprints). */
export function githubIngestionProblems(log: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(log)) return ['log: not an object'];
  if (log['version'] !== '2.1.0') problems.push(`version: ${String(log['version'])}`);
  const runs = asArray(log['runs']);
  if (runs.length === 0) problems.push('runs: none');
  if (runs.length > GITHUB_LIMITS.runsPerFile) problems.push(`runs: ${runs.length} (GitHub allows ${GITHUB_LIMITS.runsPerFile})`);
  const categories = new Set<string>();
  runs.forEach((run, r) => {
    const at = `runs[${r}]`;
    if (!isObject(run)) {
      problems.push(`${at}: not an object`);
      return;
    }
    const tool = isObject(run['tool']) ? run['tool'] : {};
    const driver = isObject(tool['driver']) ? tool['driver'] : {};
    if (!nonEmptyString(driver['name'])) problems.push(`${at}.tool.driver.name: empty or missing`);
    const extensions = asArray(tool['extensions']);
    if (extensions.length > GITHUB_LIMITS.extensionsPerRun) problems.push(`${at}.tool.extensions: ${extensions.length}`);
    const rules = asArray(driver['rules']);
    if (rules.length > GITHUB_LIMITS.rulesPerRun) problems.push(`${at}: ${rules.length} rules (GitHub allows ${GITHUB_LIMITS.rulesPerRun})`);
    const ids = new Set<string>();
    rules.forEach((rule, i) => checkRule(`${at}.tool.driver.rules[${i}]`, rule, ids, problems));

    const results = asArray(run['results']);
    if (results.length > GITHUB_LIMITS.resultsPerRun) problems.push(`${at}: ${results.length} results (GitHub allows ${GITHUB_LIMITS.resultsPerRun})`);
    const seen = new Map<string, number>();
    results.forEach((result, i) => {
      checkResult(`${at}.results[${i}]`, result, rules, problems);
      if (isObject(result) && isObject(result['partialFingerprints'])) {
        const key = `${String(result['ruleId'])} ${JSON.stringify(result['partialFingerprints'])}`;
        const first = seen.get(key);
        if (first !== undefined) problems.push(`${at}.results[${i}]: same rule and fingerprint as results[${first}]`);
        else seen.set(key, i);
      }
    });

    const auto = run['automationDetails'];
    const autoId = isObject(auto) ? auto['id'] : undefined;
    if (autoId !== undefined && !nonEmptyString(autoId)) problems.push(`${at}.automationDetails.id: empty`);
    const category = `${String(driver['name'])} ${typeof autoId === 'string' ? autoId.slice(0, autoId.lastIndexOf('/') + 1) : ''}`;
    if (categories.has(category)) problems.push(`${at}: another run has the same tool and category (${category})`);
    categories.add(category);

    for (const [v, inv] of asArray(run['invocations']).entries()) {
      if (!isObject(inv)) continue;
      for (const list of ['toolExecutionNotifications', 'toolConfigurationNotifications']) {
        for (const [n, note] of asArray(inv[list]).entries()) {
          const where = `${at}.invocations[${v}].${list}[${n}]`;
          if (!isObject(note)) continue;
          checkText(`${where}.message`, note['message'], problems, true);
          const assoc = note['associatedRule'];
          if (isObject(assoc) && typeof assoc['index'] === 'number') {
            const rule = rules[assoc['index']];
            if (!isObject(rule) || (assoc['id'] !== undefined && rule['id'] !== assoc['id'])) problems.push(`${where}.associatedRule: index does not match id`);
          }
        }
      }
    }
  });
  return problems;
}

/** Schema and GitHub problems of a SARIF text. */
export function sarifProblems(text: string): string[] {
  let log: unknown;
  try {
    log = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  return [...sarifSchemaErrors(log), ...githubIngestionProblems(log)];
}

function fingerprintsOf(log: unknown): Array<{ key: string; fingerprint: string }> {
  const out: Array<{ key: string; fingerprint: string }> = [];
  const runs = isObject(log) ? asArray(log['runs']) : [];
  for (const run of runs) {
    for (const result of asArray(isObject(run) ? run['results'] : undefined)) {
      if (!isObject(result)) continue;
      const loc = asArray(result['locations'])[0];
      const logical = asArray(isObject(loc) ? loc['logicalLocations'] : undefined)[0];
      const name = isObject(logical) ? String(logical['fullyQualifiedName'] ?? logical['name']) : '';
      out.push({ key: `${String(result['ruleId'])} ${name}`, fingerprint: JSON.stringify(result['partialFingerprints'] ?? null) });
    }
  }
  return out;
}

/**
 * Fingerprints of two renders of the same scan (or of two scans of the same leftovers) must be identical, and
 * within one render different targets must have different fingerprints.
 */
export function fingerprintProblems(firstText: string, secondText: string): string[] {
  const problems: string[] = [];
  const a = fingerprintsOf(JSON.parse(firstText));
  const b = fingerprintsOf(JSON.parse(secondText));
  const byKey = new Map(b.map((x) => [x.key, x.fingerprint]));
  for (const x of a) {
    const other = byKey.get(x.key);
    if (other === undefined) problems.push(`${x.key}: missing from the second render`);
    else if (other !== x.fingerprint) problems.push(`${x.key}: fingerprint changed between renders`);
  }
  const owners = new Map<string, string>();
  for (const x of a) {
    const owner = owners.get(x.fingerprint);
    if (owner !== undefined && owner !== x.key) problems.push(`${x.key} and ${owner} share a fingerprint`);
    owners.set(x.fingerprint, x.key);
  }
  return problems;
}
