// Two reports of the same state, made at different times or by different builds (the bundle on Node 20, the
// standalone binary on Node 24, a scan from a snapshot), differ only in when they ran, how long each probe took,
// the digest over those bytes, and which build wrote them. Everything else must be equal.
import type { ScanResult } from '../../src/model/result.js';

type Json = Record<string, unknown>;

export function comparable(report: ScanResult): unknown {
  const r = JSON.parse(JSON.stringify(report)) as Json;
  delete r['startedAt'];
  delete r['finishedAt'];
  delete r['integrity'];
  const audit = r['audit'] as Json | undefined;
  if (audit) for (const k of ['startedAt', 'finishedAt', 'durationMs', 'durationSeconds']) delete audit[k];
  const auditTool = audit?.['tool'] as Json | undefined;
  if (auditTool) delete auditTool['build'];
  const tool = r['tool'] as Json | undefined;
  if (tool) delete tool['build'];
  r['probes'] = (r['probes'] as Json[]).map(({ durationMs: _d, ...p }) => p);
  return r;
}
