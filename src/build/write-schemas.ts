// Writes the assembled JSON Schemas to the directory given (dist/schema): the rule-file schema, made from the
// check kinds' declarations (src/schema/rule-schema.ts), and the report schema (src/schema/report-schema.ts).
// These are the files the npm package ships for editors and CI to validate rule files and reports with.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportSchema } from '../schema/report-schema.js';
import { ruleFileSchema } from '../schema/rule-schema.js';

const [outDir] = process.argv.slice(2);
if (!outDir) throw new Error('usage: write-schemas <output directory>');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'rule.schema.json'), `${JSON.stringify(ruleFileSchema, null, 2)}\n`);
writeFileSync(path.join(outDir, 'report.schema.json'), `${JSON.stringify(reportSchema, null, 2)}\n`);
