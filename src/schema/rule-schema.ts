// The rule-file JSON Schema, assembled: the kind-independent part (./rule.schema.base.json: the file, a rule, the
// shared vocabulary) plus, for every kind of src/checks/kinds.ts, its enum entry, its if/then branch and its
// definition `<kind>Check`, made from the schema fragment and parameters the kind declares. The rule loader
// validates with it; the build writes it to dist/schema/rule.schema.json, the file the npm package ships.
import { KINDS } from '../checks/kinds.js';
import type { AnyKindMeta, JsonSchema } from '../checks/kind.js';
import base from './rule.schema.base.json' with { type: 'json' };

/** `file-content` → `fileContentCheck`: the definition's name (error messages and schema paths name it). */
export function kindDefinitionName(kind: string): string {
  return `${kind.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}Check`;
}

/** One kind's definition: `kind` fixed, no other fields than its own, the required ones required. */
function kindDefinition(meta: AnyKindMeta): JsonSchema {
  const required = Object.entries(meta.params)
    .filter(([, presence]) => presence === 'required')
    .map(([name]) => name);
  return {
    type: 'object',
    additionalProperties: false,
    required: ['kind', ...required],
    ...(meta.schema.minProperties === undefined ? {} : { minProperties: meta.schema.minProperties }),
    properties: { kind: { const: meta.kind }, ...meta.schema.properties },
  };
}

/** A JSON Schema document as assembled (its parts are JSON; ajv and JSON.stringify take it as it is). */
export type SchemaDocument = Readonly<Record<string, unknown>>;

/** The whole rule-file schema for these kinds (all of them unless a test passes others). */
export function assembleRuleSchema(kinds: readonly AnyKindMeta[] = Object.values(KINDS)): SchemaDocument {
  const check = base.definitions.rule.properties.check;
  const branches: JsonSchema[] = kinds.map((k) => ({ if: { properties: { kind: { const: k.kind } } }, then: { $ref: `#/definitions/${kindDefinitionName(k.kind)}` } }));
  const definitions: Record<string, unknown> = { ...base.definitions };
  for (const k of kinds) definitions[kindDefinitionName(k.kind)] = kindDefinition(k);
  const rule = {
    ...base.definitions.rule,
    properties: { ...base.definitions.rule.properties, check: { ...check, properties: { ...check.properties, kind: { enum: kinds.map((k) => k.kind) } }, allOf: branches } },
  };
  return { ...base, definitions: { ...definitions, rule } };
}

/** The rule-file schema of this build's kinds. */
export const ruleFileSchema: SchemaDocument = assembleRuleSchema();
