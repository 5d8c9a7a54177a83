// The JSON report's schema, assembled: ./report.schema.base.json with the check kinds of src/checks/kinds.ts as
// the `kind` enum (a finding's and a result's kind). `fix --from` and `merge` validate reports with it; the build
// writes it to dist/schema/report.schema.json, the file the npm package ships.
import { CHECK_KINDS } from '../checks/kinds.js';
import type { SchemaDocument } from './rule-schema.js';
import base from './report.schema.base.json' with { type: 'json' };

export const reportSchema: SchemaDocument & { readonly $id: string } = {
  ...base,
  definitions: { ...base.definitions, kind: { ...base.definitions.kind, enum: [...CHECK_KINDS] } },
};
