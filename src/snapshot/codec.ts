// Probe facts to JSON and back, exactly: facts are plain data but use Maps, Sets and byte strings (Buffers), which
// JSON alone would flatten. Each such value becomes a tagged object {"$kr": tag, "v": ...}; a plain object that
// itself has a "$kr" key (a host name can be anything) is tagged too, so decoding never mistakes host data for a tag.
const TAG = '$kr';

type Tagged = { [TAG]: 'Map' | 'Set' | 'Bytes' | 'BigInt' | 'Date' | 'Undefined' | 'Object'; v?: unknown };

function encodeValue(value: unknown): unknown {
  if (value === undefined) return { [TAG]: 'Undefined' };
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return { [TAG]: 'BigInt', v: value.toString() };
  if (value instanceof Uint8Array) return { [TAG]: 'Bytes', v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof Map) return { [TAG]: 'Map', v: [...value.entries()].map(([k, v]) => [encodeValue(k), encodeValue(v)]) };
  if (value instanceof Set) return { [TAG]: 'Set', v: [...value].map(encodeValue) };
  if (value instanceof Date) return { [TAG]: 'Date', v: value.toISOString() };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    // A class that says how it is JSON (iptables' ParsedRule splits its words lazily) is stored as that data.
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (proto !== Object.prototype && proto !== null && typeof toJSON === 'function') return encodeValue(toJSON.call(value));
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`cannot store a ${(value as object).constructor?.name ?? 'class'} instance in a snapshot`);
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encodeValue(v)] as const);
    if (Object.hasOwn(value, TAG)) return { [TAG]: 'Object', v: entries };
    return Object.fromEntries(entries);
  }
  throw new TypeError(`cannot store a ${typeof value} in a snapshot`);
}

function isTagged(value: object): value is Tagged {
  return Object.hasOwn(value, TAG) && Object.keys(value).every((k) => k === TAG || k === 'v');
}

function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decodeValue);
  if (isTagged(value)) {
    const v = value.v;
    switch (value[TAG]) {
      case 'Undefined':
        return undefined;
      case 'BigInt':
        return BigInt(v as string);
      case 'Bytes':
        return Buffer.from(v as string, 'base64');
      case 'Map':
        return new Map((v as Array<[unknown, unknown]>).map(([k, x]) => [decodeValue(k), decodeValue(x)]));
      case 'Set':
        return new Set((v as unknown[]).map(decodeValue));
      case 'Date':
        return new Date(v as string);
      case 'Object':
        return Object.fromEntries((v as Array<[string, unknown]>).map(([k, x]) => [k, decodeValue(x)]));
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, decodeValue(x)]));
}

/** Facts as JSON-safe data. Throws on values a snapshot cannot hold faithfully (functions, class instances). */
export function encodeFacts(facts: unknown): unknown {
  return encodeValue(facts);
}

export function decodeFacts(data: unknown): unknown {
  return decodeValue(data);
}
