// nftables listings. The nftables probe reads the text of `nft list chains` (parseNftListChains: every table,
// no rules read; docs/ecosystem.md §4 for why not `nft list tables` or `-j list ruleset`). parseNftTablesJson
// reads `nft -j list tables`:
//
//   {"nftables": [{"metainfo": {"version": "1.0.6", ...}},
//                 {"table": {"family": "ip", "name": "kube-proxy", "handle": 3}}, ...]}
//
// which the probe does not run; it is the reference the text parser is tested against (test/parsers/nft.test.ts).

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

export interface NftChainsListing {
  /** Every table, also one without chains (the text form prints `table ip x {` + `}` for it). */
  tables: NftTable[];
  /** `family table` → the names of its chains. */
  chains: Map<string, string[]>;
}

/** A name as nft prints it: bare, or in double quotes when it needs them. */
function nftName(word: string): string {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"') ? word.slice(1, -1) : word;
}

/**
 * Parse the text of `nft list chains`:
 *
 *   table ip filter {
 *   	chain INPUT {
 *   		type filter hook input priority filter; policy accept;
 *   	}
 *   }
 *   table ip6 kube-proxy {
 *   }
 *
 * Unlike `nft -j list chains`, the text names tables that have no chain, so it lists every table. And unlike
 * `nft list tables`, which nft 1.0.6 answers by dumping every rule of every table once per table (1.3 s on a
 * node with 35,000 iptables-nft rules), it reads no rules: 3 ms on a clean node, 11 ms there.
 */
export function parseNftListChains(text: string): NftChainsListing {
  const tables: NftTable[] = [];
  const chains = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const table = /^table\s+(\S+)\s+(.+?)\s*\{$/.exec(line);
    if (table && !raw.startsWith('\t') && !raw.startsWith(' ')) {
      const family = table[1] as string;
      const name = nftName(table[2] as string);
      tables.push({ family, name });
      current = [];
      chains.set(`${family} ${name}`, current);
      continue;
    }
    const chain = /^chain\s+(.+?)\s*\{$/.exec(line);
    if (chain && current) current.push(nftName(chain[1] as string));
  }
  return { tables, chains };
}
