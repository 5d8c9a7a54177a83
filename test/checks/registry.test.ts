// The check-kind registries against everything made from them or describing a kind outside its module: the rule
// schema and the report schema (assembled from the kinds' declarations, and shipped as dist/schema/*.json by the
// build), the runtime registry with the probes, and the README's "Check kinds" table. A missing registry line
// fails tsc (test/checks/add-kind.test.ts proves it on a copy of the sources).
import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CHECKS, type FixVarsOf } from '../../src/checks/index.js';
import { CHECK_KINDS, KIND_META } from '../../src/checks/kinds.js';
import type { CheckKind } from '../../src/model/rule.js';
import { reportSchema } from '../../src/schema/report-schema.js';
import { kindDefinitionName, ruleFileSchema } from '../../src/schema/rule-schema.js';

interface SchemaNode {
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  allOf?: Array<{ if?: SchemaNode; then?: SchemaNode }>;
  definitions?: Record<string, SchemaNode>;
}

const ruleSchema = ruleFileSchema as SchemaNode;
const defs = ruleSchema.definitions ?? {};
const checkNode = defs['rule']?.properties?.['check'] ?? {};
const kinds = [...CHECK_KINDS];
const repoFile = (rel: string): URL => new URL(`../../${rel}`, import.meta.url);

/** The definition the rule schema applies to `check` when `kind` is the given one. */
function kindDefinition(kind: string): SchemaNode | undefined {
  const branch = (checkNode.allOf ?? []).find((b) => b.if?.properties?.['kind']?.const === kind);
  const ref = branch?.then?.$ref;
  return ref ? defs[ref.replace('#/definitions/', '')] : undefined;
}

const KIND_TABLE_HEAD = '| kind | fields | one finding per | fix variables |';

function kindTableRow(kind: CheckKind): string {
  const def = KIND_META[kind];
  const vars = Object.keys(def.fixVars)
    .map((v) => `\`${v}\``)
    .join(', ');
  return `| \`${kind}\` | ${def.doc.fields} | ${def.doc.findingPer} | ${vars} |`;
}

describe('the check-kind registry', () => {
  it('the runtime registry (probes and matchers) has every declared kind, each with its own declaration', () => {
    expect(Object.keys(CHECKS)).toEqual(kinds);
    for (const kind of kinds) {
      expect(CHECKS[kind].kind).toBe(kind);
      expect(CHECKS[kind].fixVars).toBe(KIND_META[kind].fixVars);
    }
  });

  it("the rule schema's kind enum and the report schema's kind enum are the kinds, in registry order", () => {
    expect(checkNode.properties?.['kind']?.enum).toEqual(kinds);
    expect((reportSchema as SchemaNode).definitions?.['kind']?.enum).toEqual(kinds);
  });

  it('the assembled rule and report schemas compile (strict: every $ref resolves, no unknown keyword)', () => {
    expect(() => new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(ruleFileSchema)).not.toThrow();
    expect(() => new Ajv({ allErrors: true, strict: true, validateFormats: false }).compile(reportSchema)).not.toThrow();
  });

  it('the build ships exactly the assembled schemas (dist/schema/*.schema.json, in the npm package)', () => {
    for (const [file, schema] of [
      ['dist/schema/rule.schema.json', ruleFileSchema],
      ['dist/schema/report.schema.json', reportSchema],
    ] as const) {
      expect(existsSync(repoFile(file)), `${file}: run npm run build`).toBe(true);
      expect(JSON.parse(readFileSync(repoFile(file), 'utf8'))).toEqual(schema);
    }
  });

  describe.each(kinds)('%s: its declaration and its part of the rule schema agree', (kind) => {
    const def = KIND_META[kind];
    const schema = kindDefinition(kind);

    it('the schema has a definition for the kind, named as before the schema was assembled', () => {
      expect(schema, `the rule schema has no if/then branch for kind ${kind}`).toBeDefined();
      expect(defs[kindDefinitionName(kind)]).toBe(schema);
    });

    it('on the fields and which of them are required', () => {
      const fields = Object.keys(schema?.properties ?? {}).filter((f) => f !== 'kind');
      expect(fields.sort()).toEqual(Object.keys(def.params).sort());
      const required = (schema?.required ?? []).filter((f) => f !== 'kind');
      const moduleRequired = Object.entries(def.params)
        .filter(([, r]) => r === 'required')
        .map(([f]) => f);
      expect(required.sort()).toEqual(moduleRequired.sort());
    });

    it('on which fields are regular expressions', () => {
      const regexFields = Object.entries(schema?.properties ?? {})
        .filter(([, p]) => p.$ref === '#/definitions/regex')
        .map(([f]) => f);
      expect(regexFields.sort()).toEqual([...def.regexFields].sort());
    });
  });

  it("FixVarsOf<kind> is the kind's own typed variables (what a planner reads from a finding)", () => {
    // Compile-time: tsc rejects these lines if the types drift.
    const path: FixVarsOf<'path'> = { target: '/etc/cni/net.d/x', linkTarget: '/opt/x', removable: ['/etc/cni/net.d/x'], targetHex: '2f' };
    const chain: FixVarsOf<'iptables'> = { target: 't', iptables: 'iptables-nft', family: 'ipv4', backend: 'nft', table: 'nat', chain: 'KUBE-X', jumps: [['PREROUTING', '-j', 'KUBE-X']] };
    const port: FixVarsOf<'port'> = { target: 'tcp/6443', port: '6443', protocol: 'tcp', pids: ['1'] };
    expect(Object.keys(KIND_META.path.fixVars)).toEqual(Object.keys(path));
    expect(Object.keys(KIND_META.iptables.fixVars).filter((k) => k !== 'rule' && k !== 'rawBytes')).toEqual(Object.keys(chain));
    expect(Object.keys(KIND_META.port.fixVars)).toEqual(Object.keys(port));
  });

  it('every fix variable has a description and `target` is one of them', () => {
    for (const kind of kinds) {
      expect(Object.keys(KIND_META[kind].fixVars)).toContain('target');
      for (const [name, text] of Object.entries(KIND_META[kind].fixVars)) expect(text.length, `${kind}.${name}`).toBeGreaterThan(0);
    }
  });

  it("the README's check-kind table is the modules' own description, in registry order", () => {
    const readme = readFileSync(repoFile('README.md'), 'utf8').split('\n');
    const head = readme.indexOf(KIND_TABLE_HEAD);
    expect(head, `README.md has no table headed ${KIND_TABLE_HEAD}`).toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('', head);
    const table = readme.slice(head + 2, end === -1 ? undefined : end);
    // On failure, the expected rows are what to paste into README.md.
    expect(table.join('\n')).toBe(kinds.map(kindTableRow).join('\n'));
  });

  it('every field a module documents is one of its parameters, and every parameter is documented', () => {
    for (const kind of kinds) {
      const def = KIND_META[kind];
      for (const p of Object.keys(def.params)) expect(def.doc.fields, `${kind}: ${p} undocumented`).toContain(`\`${p}`);
    }
  });
});
