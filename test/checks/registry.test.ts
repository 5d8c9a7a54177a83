// The check-kind registry against everything that describes a kind outside its module: the rule schema (which
// stays the source users validate against), the report schema, the rule model's list of kinds and the README's
// "Check kinds" table. Adding a kind and forgetting one of them fails here (a missing registry line fails tsc).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECKS, type FixVarsOf } from '../../src/checks/index.js';
import { CHECK_KINDS, type CheckKind } from '../../src/model/rule.js';

interface SchemaNode {
  $ref?: string;
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  allOf?: Array<{ if?: SchemaNode; then?: SchemaNode }>;
  definitions?: Record<string, SchemaNode>;
}

const readJson = (rel: string): SchemaNode => JSON.parse(readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8')) as SchemaNode;
const ruleSchema = readJson('src/schema/rule.schema.json');
const reportSchema = readJson('src/schema/report.schema.json');
const defs = ruleSchema.definitions ?? {};
const checkNode = defs['rule']?.properties?.['check'] ?? {};
const kinds = Object.keys(CHECKS) as CheckKind[];

/** The definition the rule schema applies to `check` when `kind` is the given one. */
function kindDefinition(kind: string): SchemaNode | undefined {
  const branch = (checkNode.allOf ?? []).find((b) => b.if?.properties?.['kind']?.const === kind);
  const ref = branch?.then?.$ref;
  return ref ? defs[ref.replace('#/definitions/', '')] : undefined;
}

const KIND_TABLE_HEAD = '| kind | fields | one finding per | fix variables |';

function kindTableRow(kind: CheckKind): string {
  const def = CHECKS[kind];
  const vars = Object.keys(def.fixVars)
    .map((v) => `\`${v}\``)
    .join(', ');
  return `| \`${kind}\` | ${def.doc.fields} | ${def.doc.findingPer} | ${vars} |`;
}

describe('the check-kind registry', () => {
  it('has every kind of the rule model, and only those', () => {
    expect([...kinds].sort()).toEqual([...CHECK_KINDS].sort());
    for (const kind of kinds) expect(CHECKS[kind].kind).toBe(kind);
  });

  it("and the rule schema's kind enum and report schema's kind enum list the same kinds", () => {
    expect([...(checkNode.properties?.['kind']?.enum ?? [])].sort()).toEqual([...kinds].sort());
    expect([...(reportSchema.definitions?.['kind']?.enum ?? [])].sort()).toEqual([...kinds].sort());
  });

  describe.each(kinds)('%s: module and rule schema agree', (kind) => {
    const def = CHECKS[kind];
    const schema = kindDefinition(kind);

    it('the schema has a definition for the kind', () => {
      expect(schema, `rule.schema.json has no if/then branch for kind ${kind}`).toBeDefined();
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
    expect(Object.keys(CHECKS.path.fixVars)).toEqual(Object.keys(path));
    expect(Object.keys(CHECKS.iptables.fixVars).filter((k) => k !== 'rule' && k !== 'rawBytes')).toEqual(Object.keys(chain));
    expect(Object.keys(CHECKS.port.fixVars)).toEqual(Object.keys(port));
  });

  it('every fix variable has a description and `target` is one of them', () => {
    for (const kind of kinds) {
      expect(Object.keys(CHECKS[kind].fixVars)).toContain('target');
      for (const [name, text] of Object.entries(CHECKS[kind].fixVars)) expect(text.length, `${kind}.${name}`).toBeGreaterThan(0);
    }
  });

  it("the README's check-kind table is the modules' own description, in registry order", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n');
    const head = readme.indexOf(KIND_TABLE_HEAD);
    expect(head, `README.md has no table headed ${KIND_TABLE_HEAD}`).toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('', head);
    const table = readme.slice(head + 2, end === -1 ? undefined : end);
    // On failure, the expected rows are what to paste into README.md.
    expect(table.join('\n')).toBe(kinds.map(kindTableRow).join('\n'));
  });

  it('every field a module documents is one of its parameters, and every parameter is documented', () => {
    for (const kind of kinds) {
      const def = CHECKS[kind];
      for (const p of Object.keys(def.params)) expect(def.doc.fields, `${kind}: ${p} undocumented`).toContain(`\`${p}`);
    }
  });
});
