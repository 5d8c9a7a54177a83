// containerd's metadata database (io.containerd.metadata.v1.bolt/meta.db), decoded from a BoltReader. The layout
// (containerd core/metadata/buckets.go, the same since 1.0):
//
//   v1/<namespace>/containers/<id>/{labels/<key>: value, image: name, spec: protobuf Any, runtime/, snapshotKey...}
//   v1/<namespace>/images/<name>/{target/, labels/, createdat, updatedat}
//   v1/<namespace>/{content, snapshots, leases, labels}
//
// The container spec is a protobuf `Any` (field 1 type_url, field 2 value); for the OCI runtime spec the value is
// JSON (typeurl registers non-proto types as JSON), whose annotations the CRI plugin fills.
import { type BoltReader, bucketOf, stringMap } from './bbolt.js';

export interface MetaContainer {
  id: string;
  labels: Record<string, string>;
  image?: string;
  /** The OCI spec's annotations, when the spec is JSON. */
  annotations: Record<string, string>;
}

export interface NamespaceContents {
  /** false when the namespace has no bucket at all. */
  present: boolean;
  containers: MetaContainer[];
  images: string[];
}

/** One length-delimited protobuf field's bytes, by field number; undefined when absent or malformed. */
export function protoBytesField(buf: Buffer, field: number): Buffer | undefined {
  let at = 0;
  const varint = (): number | undefined => {
    let v = 0;
    for (let shift = 0; shift < 50; shift += 7) {
      if (at >= buf.length) return undefined;
      const b = buf[at++] as number;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    return undefined;
  };
  while (at < buf.length) {
    const tag = varint();
    if (tag === undefined) return undefined;
    const wire = tag % 8;
    const num = Math.floor(tag / 8);
    if (wire === 2) {
      const len = varint();
      if (len === undefined || at + len > buf.length) return undefined;
      if (num === field) return buf.subarray(at, at + len);
      at += len;
    } else if (wire === 0) {
      if (varint() === undefined) return undefined;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else return undefined;
  }
  return undefined;
}

function specAnnotations(spec: Buffer | undefined): Record<string, string> {
  const value = spec ? protoBytesField(spec, 2) : undefined;
  if (!value) return {};
  try {
    const a = (JSON.parse(value.toString('utf8')) as { annotations?: unknown } | null)?.annotations;
    if (!a || typeof a !== 'object') return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(a as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/** Every container and image name of one containerd namespace. */
export function readNamespace(reader: BoltReader, namespace: string): NamespaceContents {
  const ns = reader.path(['v1', namespace]);
  if (!ns) return { present: false, containers: [], images: [] };
  const containers: MetaContainer[] = [];
  const cbkt = reader.bucket(ns, 'containers');
  for (const e of cbkt ? reader.entries(cbkt) : []) {
    if (!e.isBucket) continue;
    const c = bucketOf(e);
    let image: string | undefined;
    let spec: Buffer | undefined;
    let labels: Record<string, string> = {};
    for (const f of reader.entries(c)) {
      const k = f.key.toString('utf8');
      if (k === 'labels' && f.isBucket) labels = stringMap(reader, bucketOf(f));
      else if (k === 'image' && !f.isBucket) image = f.value.toString('utf8');
      else if (k === 'spec' && !f.isBucket) spec = f.value;
    }
    containers.push({ id: e.key.toString('utf8'), labels, ...(image ? { image } : {}), annotations: specAnnotations(spec) });
  }
  const ibkt = reader.bucket(ns, 'images');
  const images = (ibkt ? reader.entries(ibkt) : []).filter((e) => e.isBucket).map((e) => e.key.toString('utf8'));
  return { present: true, containers, images };
}

/** The namespaces the database holds (the buckets under v1). */
export function namespaces(reader: BoltReader): string[] {
  const v1 = reader.path(['v1']);
  return v1 ? reader.entries(v1).filter((e) => e.isBucket).map((e) => e.key.toString('utf8')) : [];
}
