// JSON.stringify(value, null, 2), in pieces. A huge node's report is tens of MB (26,000 findings at 200,000
// iptables rules: 34 MB); built as one string it is held twice at its peak (the string and its UTF-8 bytes)
// and is one more large object for the garbage collector. The pieces give exactly the same text: containers
// less than `streamDepth` levels deep (the report, its results, each result, its findings) are written here
// bracket by bracket, and what lies below them by JSON.stringify itself, a batch of elements at a time.
//
// To get JSON.stringify's indentation for a value that stands `d` levels deep without re-indenting its text,
// the batch is stringified inside d - 1 wrapping arrays and the wrapping is sliced off again (a slice of a
// long string is not a copy in V8). toJSON methods are honoured; for values below the streamed levels they
// see their index within the batch as their key (no value in a report has a toJSON that reads its key).

const INDENT = '  ';
const BATCH = 256;

function isSkipped(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** JSON.stringify's SerializeJSONProperty step 2: a value with toJSON is replaced by its result. */
function withToJSON(v: unknown, key: string): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return (v as { toJSON(key: string): unknown }).toJSON(key);
  }
  return v;
}

const wrappings = new Map<number, { open: string; close: string }>();

/** The text JSON.stringify puts around the elements of an array whose elements stand `depth` levels deep. */
function wrapping(depth: number): { open: string; close: string } {
  let w = wrappings.get(depth);
  if (!w) {
    let open = '';
    let close = '';
    for (let k = 0; k < depth; k++) {
      open += `${INDENT.repeat(k)}[\n`;
      close = `\n${INDENT.repeat(k)}]${close}`;
    }
    w = { open: open + INDENT.repeat(depth), close };
    wrappings.set(depth, w);
  }
  return w;
}

/** `values` as consecutive elements (`,\n` + indentation between them) of an array `depth` levels deep. */
function elements(values: unknown[], depth: number): string {
  let wrapped: unknown = values;
  for (let k = 1; k < depth; k++) wrapped = [wrapped];
  const { open, close } = wrapping(depth);
  const text = JSON.stringify(wrapped, null, INDENT);
  return text.slice(open.length, text.length - close.length);
}

function isContainer(v: unknown): v is object {
  return v !== null && typeof v === 'object';
}

function* piece(value: object, depth: number, streamDepth: number): Generator<string> {
  const pad = INDENT.repeat(depth);
  const inner = pad + INDENT;
  const below = depth + 1 < streamDepth;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield `[\n${inner}`;
    for (let i = 0; i < value.length; ) {
      if (i > 0) yield `,\n${inner}`;
      const v = below ? withToJSON(value[i], String(i)) : undefined;
      if (below && isContainer(v)) {
        yield* piece(v, depth + 1, streamDepth);
        i++;
      } else if (below) {
        yield elements([v], depth + 1);
        i++;
      } else {
        yield elements(value.slice(i, i + BATCH), depth + 1);
        i += BATCH;
      }
    }
    yield `\n${pad}]`;
    return;
  }
  const entries: Array<[string, unknown]> = [];
  for (const key of Object.keys(value)) {
    const v = withToJSON((value as Record<string, unknown>)[key], key);
    if (!isSkipped(v)) entries.push([key, v]);
  }
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i] as [string, unknown];
    yield `${inner}${JSON.stringify(key)}: `;
    if (below && isContainer(v)) yield* piece(v, depth + 1, streamDepth);
    else yield elements([v], depth + 1);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${pad}}`;
}

/**
 * The text of `JSON.stringify(value, null, 2)` (which must not be undefined) in pieces of about `chunkSize`
 * characters. Containers less than `streamDepth` levels deep are taken apart.
 */
export function* jsonChunks(value: unknown, { streamDepth = 4, chunkSize = 256 * 1024 }: { streamDepth?: number; chunkSize?: number } = {}): Generator<string> {
  const top = withToJSON(value, '');
  if (streamDepth <= 0 || !isContainer(top)) {
    yield JSON.stringify(top, null, INDENT) ?? 'null';
    return;
  }
  let buffer = '';
  for (const p of piece(top, 0, streamDepth)) {
    buffer += p;
    if (buffer.length >= chunkSize) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer.length > 0) yield buffer;
}
