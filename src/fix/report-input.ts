// A saved JSON report (`kube-residue scan --format json`) as input for `fix --from`: parsed and validated against
// the report contract (src/schema/report-schema.ts), so a hand-edited or truncated file is a usage error
// (exit 2) with the first problems named, never a half-understood plan.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { reportSchema } from '../schema/report-schema.js';
import { REPORT_SCHEMA_VERSION, type ScanResult } from '../model/result.js';

export class InvalidReport extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReport';
  }
}

export function parseReport(text: string, source: string): ScanResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidReport(`${source} is not JSON: ${(err as Error).message}`);
  }
  const versionProblem = schemaVersionProblem(data);
  if (versionProblem) throw new InvalidReport(`${source}: ${versionProblem}`);
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  const validate = ajv.compile(reportSchema);
  if (!validate(data)) {
    const errors = (validate.errors ?? []).slice(0, 5).map((e) => `  ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    const more = (validate.errors?.length ?? 0) > 5 ? `\n  ... and ${(validate.errors?.length ?? 0) - 5} more` : '';
    throw new InvalidReport(`${source} is not a kube-residue JSON report (schema ${reportSchema.$id}):\n${errors.join('\n')}${more}`);
  }
  return data as unknown as ScanResult;
}

/** A report from another kube-residue version is named as such, not as "must be equal to constant". */
function schemaVersionProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('schemaVersion' in data)) return undefined;
  const version = (data as { schemaVersion: unknown }).schemaVersion;
  if (typeof version !== 'string' || version === REPORT_SCHEMA_VERSION) return undefined;
  const [major = '', ours = ''] = [version.split('.')[0], REPORT_SCHEMA_VERSION.split('.')[0]];
  if (!/^\d+$/.test(major)) return `report schema "${version}" is not a kube-residue report schema version (this kube-residue reads ${ours}.x)`;
  if (Number(major) > Number(ours)) return `report schema ${version} is newer than this kube-residue supports (${ours}.x); use a newer kube-residue`;
  if (Number(major) < Number(ours)) return `report schema ${version} is older than this kube-residue supports (${ours}.x); scan again`;
  return undefined;
}

export function readReport(file: string): ScanResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InvalidReport(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseReport(text, file);
}
