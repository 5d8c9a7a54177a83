// Taking a snapshot (the live probes, recording what they return) and replaying one (the same comparisons, on the
// recorded facts instead of the host). Both go through the scan engine's own path (runScan with a fact source),
// so a scan from a snapshot is the live scan of that moment: same probes' outcomes, same comparisons, same report.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { checkDefinitions, type AnyCheckDefinition } from '../checks/index.js';
import type { MatchOutcome } from '../checks/check.js';
import type { FactSource } from '../engine/scan.js';
import { runScan } from '../engine/scan.js';
import type { ScanResult } from '../model/result.js';
import type { Check, CheckKind, Rule } from '../model/rule.js';
import { gatherConditionFacts, type ConditionFacts, type ConditionRequest } from '../probes/conditions.js';
import { createProbeContext, type ProbeContext } from '../probes/context.js';
import type { ClusterOptions } from '../probes/kube-resources.js';
import { ProbeUnavailable } from '../probes/probe.js';
import { decodeFacts, encodeFacts } from './codec.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type ProbeRecord, type Snapshot } from './model.js';

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** JSON with object keys sorted: one spelling per check, so a rule's check is found among the recorded ones. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The registry with its kinds' types erased: the snapshot only passes facts from a probe to its own match. */
function definitions(cluster: ClusterOptions): Readonly<Record<CheckKind, AnyCheckDefinition>> {
  return checkDefinitions({ cluster }) as unknown as Readonly<Record<CheckKind, AnyCheckDefinition>>;
}

function mapDefinitions(
  defs: Readonly<Record<CheckKind, AnyCheckDefinition>>,
  f: (kind: CheckKind, def: AnyCheckDefinition) => AnyCheckDefinition,
): Readonly<Record<CheckKind, AnyCheckDefinition>> {
  return Object.fromEntries((Object.keys(defs) as CheckKind[]).map((kind) => [kind, f(kind, defs[kind])])) as Record<CheckKind, AnyCheckDefinition>;
}

/** A gather() that declares no `requests` parameter cannot depend on what the checks ask. */
function isRequestIndependent(def: AnyCheckDefinition): boolean {
  return def.probe.gather.length < 2;
}

export interface TakeSnapshotOptions {
  rules: readonly Rule[];
  root: string;
  timeoutMs: number;
  /** Where cluster rules read from (with --cluster) and this host's Node name. */
  cluster: ClusterOptions;
  tool: Snapshot['tool'];
  now?: () => Date;
}

export async function takeSnapshot(opts: TakeSnapshotOptions): Promise<Snapshot> {
  const ctx = createProbeContext({ root: opts.root, timeoutMs: opts.timeoutMs });
  const live = definitions(opts.cluster);
  const recorded = new Map<CheckKind, { requests: Check[]; facts: unknown }>();
  const recording = mapDefinitions(live, (kind, def) => ({
    ...def,
    probe: {
      id: def.probe.id,
      gather: async (c: ProbeContext, requests: readonly Check[]) => {
        const facts = await def.probe.gather(c, requests);
        recorded.set(kind, { requests: [...requests], facts });
        return facts;
      },
    },
  }));
  let conditions: ConditionFacts | undefined;
  const recordConditions = async (c: ProbeContext, requests: readonly ConditionRequest[]): Promise<ConditionFacts> => {
    conditions = await gatherConditionFacts(c, requests);
    return conditions;
  };
  const now = opts.now ?? (() => new Date());
  const createdAt = now().toISOString();
  const result: ScanResult = await runScan({
    rules: opts.rules,
    root: opts.root,
    timeoutMs: opts.timeoutMs,
    cluster: opts.cluster,
    selection: { profile: 'all', failOn: 'info', allowUnchecked: false, tags: [], rules: [], skip: [] },
    ruleFiles: [],
    tool: opts.tool,
    now,
    source: { ctx, defs: recording, conditionFacts: recordConditions },
  });
  const probes: Snapshot['probes'] = {};
  const kinds = [...new Set(opts.rules.map((r) => r.check.kind))];
  for (const kind of kinds) {
    const def = live[kind];
    const run = result.probes.find((p) => p.probe === def.probe.id);
    const rec = recorded.get(kind);
    const requests = opts.rules.filter((r) => r.check.kind === kind).map((r) => r.check);
    const common = { probe: def.probe.id, requests, requestIndependent: isRequestIndependent(def), durationMs: run?.durationMs ?? 0 };
    // The engine's verdict on the probe (a time-out, say) wins over facts that arrived after it gave up.
    probes[kind] = run?.ok && rec ? { ...common, ok: true, facts: encodeFacts(rec.facts) } : { ...common, ok: false, reason: run?.note ?? `${def.probe.id} probe did not run` };
  }
  const provenance = result.probes.find((p) => p.probe === 'provenance');
  let conditionRecord: Snapshot['conditions'];
  if (provenance && !provenance.ok) conditionRecord = { ok: false, reason: provenance.note ?? 'provenance probe failed' };
  else if (conditions?.ok) conditionRecord = { ok: true, facts: encodeFacts(conditions.facts), database: conditions.database };
  else if (conditions) conditionRecord = { ok: false, reason: conditions.reason };
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    tool: opts.tool,
    createdAt,
    host: result.host,
    context: { root: ctx.root, onHost: ctx.onHost, varRunIsRun: ctx.varRunIsRun, timeoutMs: opts.timeoutMs },
    probes,
    ...(conditionRecord ? { conditions: conditionRecord } : {}),
  };
}

export function writeSnapshot(file: string, snapshot: Snapshot): void {
  writeFileSync(file, gzipSync(JSON.stringify(snapshot)));
}

export function readSnapshot(file: string): Snapshot {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new SnapshotError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new SnapshotError(`${file} is not a kube-residue snapshot (not gzip-compressed; make one with kube-residue snapshot -o FILE)`);
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (err) {
    throw new SnapshotError(`${file} is truncated or corrupt (${(err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SnapshotError(`${file} is not a kube-residue snapshot (its content is not JSON)`);
  }
  const s = data as Partial<Snapshot> | null;
  if (!s || typeof s !== 'object' || s.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`${file} is not a kube-residue snapshot (no "format": "${SNAPSHOT_FORMAT}")`);
  if (typeof s.version !== 'number' || !Number.isInteger(s.version) || s.version < 1) throw new SnapshotError(`${file} has an invalid snapshot version ${JSON.stringify(s.version)}`);
  if (s.version > SNAPSHOT_VERSION) {
    throw new SnapshotError(`${file} is a version ${s.version} snapshot from kube-residue ${s.tool?.version ?? '?'}; this kube-residue reads versions up to ${SNAPSHOT_VERSION}: upgrade it`);
  }
  if (!s.host || !s.context || !s.probes || typeof s.probes !== 'object') throw new SnapshotError(`${file} is not a complete kube-residue snapshot (host, context or probes missing)`);
  return s as Snapshot;
}

/**
 * The snapshot as the scan engine's fact source: each probe returns its recorded facts (or its recorded failure),
 * and a rule whose check the snapshot did not gather for is unchecked with that reason — never clean. The probe
 * context has no host behind it: anything that tried to read the host would fail, not read this machine.
 */
function noHostFiles(p: string): never {
  throw new ProbeUnavailable(`a snapshot holds no host files (${p} was asked for)`);
}

export function snapshotSource(snapshot: Snapshot): FactSource {
  // Only the comparisons are used: no probe of these definitions runs.
  const live = definitions({ nodeName: snapshot.host.hostname });
  const { root, onHost, varRunIsRun, timeoutMs } = snapshot.context;
  const memo = new Map<string, unknown>();
  const ctx: ProbeContext = {
    root,
    onHost,
    timeoutMs,
    varRunIsRun,
    hostPath: noHostFiles,
    hostPathFollow: noHostFiles,
    hostPathBytes: (p) => noHostFiles(p.toString('hex')),
    hostPathFollowBytes: (p) => noHostFiles(p.toString('hex')),
    toHostPath: (p) => p,
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
  const defs = mapDefinitions(live, (kind, def) => {
    const rec: ProbeRecord | undefined = snapshot.probes[kind];
    const gathered = new Set((rec?.requests ?? []).map(canonicalJson));
    let facts: unknown;
    let decoded = false;
    return {
      ...def,
      probe: {
        id: def.probe.id,
        gather: async () => {
          if (!rec) throw new ProbeUnavailable(`the snapshot (${snapshot.createdAt}) has no ${kind} facts: take a new snapshot with this kube-residue`);
          if (!rec.ok) throw new ProbeUnavailable(rec.reason);
          if (!decoded) {
            facts = decodeFacts(rec.facts);
            decoded = true;
          }
          return facts;
        },
      },
      match(check: Check, f: unknown, c: ProbeContext): MatchOutcome {
        if (rec && !rec.requestIndependent && !gathered.has(canonicalJson(check))) {
          return { findings: [], partial: `the snapshot (${snapshot.createdAt}) did not gather facts for this check; take a new snapshot with this rule (kube-residue snapshot --rules FILE)` };
        }
        return def.match(check, f, c);
      },
    };
  });
  // Facts for conditions come from the snapshot too: a match it has no fact for is judged `missing` by the
  // conditions, so its rule is unchecked, never clean.
  const recorded = snapshot.conditions;
  const conditionFacts = async (): Promise<ConditionFacts> => {
    if (!recorded) return { ok: true, facts: new Map(), database: 'none recorded in the snapshot' };
    if (!recorded.ok) return recorded;
    return { ok: true, facts: decodeFacts(recorded.facts) as Extract<ConditionFacts, { ok: true }>['facts'], database: recorded.database };
  };
  return { ctx, defs, identity: () => snapshot.host, conditionFacts };
}
