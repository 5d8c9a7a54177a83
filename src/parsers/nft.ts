// `nft -j list tables`:
//
//   {"nftables": [{"metainfo": {"version": "1.0.6", ...}},
//                 {"table": {"family": "ip", "name": "kube-proxy", "handle": 3}}, ...]}

export interface NftTable {
  /** ip, ip6, inet, arp, bridge, netdev */
  family: string;
  name: string;
  handle?: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse `nft -j list tables`. Throws when the text is not JSON or has no `nftables` array; entries other
 * than well-formed tables (metainfo, unknown objects) are skipped.
 */
export function parseNftTablesJson(text: string): NftTable[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`nft -j list tables: output is not valid JSON (${why})`);
  }
  if (!isObject(data) || !Array.isArray(data['nftables'])) {
    throw new Error('nft -j list tables: expected an object with an "nftables" array');
  }
  const out: NftTable[] = [];
  for (const item of data['nftables'] as unknown[]) {
    if (!isObject(item)) continue;
    const t = item['table'];
    if (!isObject(t)) continue;
    const family = t['family'];
    const name = t['name'];
    if (typeof family !== 'string' || typeof name !== 'string' || family.length === 0 || name.length === 0) continue;
    const table: NftTable = { family, name };
    const handle = t['handle'];
    if (typeof handle === 'number' && Number.isInteger(handle)) table.handle = handle;
    out.push(table);
  }
  return out;
}
