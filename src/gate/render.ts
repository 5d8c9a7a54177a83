// The gate's two outputs: lines for the operator (one per blocker: what, why it blocks a join, the fix; then
// READY or BLOCKED) and the JSON document an Ansible task reads with failed_when (src/schema/gate.schema.json).
import type { ScanResult } from '../model/result.js';
import { oneLine } from '../report/escape.js';
import type { GateVerdict } from './verdict.js';

export const GATE_SCHEMA_VERSION = '1.0';

export interface GateDocument extends GateVerdict {
  schemaVersion: typeof GATE_SCHEMA_VERSION;
  verdict: 'READY' | 'BLOCKED';
  host: { hostname: string; machineId?: string; root: string };
  tool: { name: 'kube-residue'; version: string; rulesVersion: string };
  startedAt: string;
  finishedAt: string;
}

export function gateDocument(v: GateVerdict, result: ScanResult): GateDocument {
  return {
    schemaVersion: GATE_SCHEMA_VERSION,
    verdict: v.ready ? 'READY' : 'BLOCKED',
    ...v,
    host: { hostname: result.host.hostname, ...(result.host.machineId ? { machineId: result.host.machineId } : {}), root: result.host.root },
    tool: result.tool,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
}

export function gateText(doc: GateDocument): string {
  const out: string[] = [`kube-residue gate — ${oneLine(doc.host.hostname)}: may this node (re-)join a cluster?${doc.cni ? ` (CNI to be installed: ${oneLine(doc.cni)})` : ''}`];
  for (const b of doc.blockers) {
    const head = `BLOCKER ${b.rule}: ${oneLine(b.target)} — ${oneLine(b.why)} Fix:`;
    // Several commands go one per line: joined on one line, a command shown as a `# ...` comment (one that cannot
    // be pasted safely) would comment out the ones after it.
    if (b.fix.length <= 1) out.push(`${head} ${b.fix[0] === undefined ? 'see the rule' : oneLine(b.fix[0])}`);
    else out.push(head, ...b.fix.map((c) => `    ${oneLine(c)}`));
  }
  for (const u of doc.unchecked) {
    const label = doc.allowUnchecked ? 'UNCHECKED (allowed)' : 'UNCHECKED BLOCKER';
    out.push(`${label} ${u.rule}: could not be checked (${oneLine(u.reason)}) — if present: ${oneLine(u.why)}`);
  }
  for (const c of doc.allowedCniConfig) out.push(`allowed ${oneLine(c)}: config of ${oneLine(doc.cni ?? '')}, which its installer rewrites`);
  if (doc.advisories.length > 0) {
    out.push(`advisory (does not block a join): ${doc.advisories.map((a) => `${a.rule} ${oneLine(a.target)}`).join(', ')}`);
  }
  const counts = `${doc.blockers.length} blocker${doc.blockers.length === 1 ? '' : 's'}, ${doc.unchecked.length} unchecked`;
  out.push(doc.ready ? `READY — ${counts}` : `BLOCKED — ${counts}`);
  return `${out.join('\n')}\n`;
}
