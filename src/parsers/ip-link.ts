// `ip -d -j link show` (iproute2 JSON): an array with one object per link, e.g.
//
//   {"ifindex":4,"link_index":2,"ifname":"veth3f2a1b4c","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],
//    "mtu":1500,"master":"cni0","operstate":"UP","address":"86:ff:b6:a3:74:1e","link_netnsid":0,
//    "linkinfo":{"info_kind":"veth","info_slave_kind":"bridge", ...}}
//
// A veth whose peer is in another namespace has link_index + link_netnsid; one whose peer is in the same
// namespace has "link": "<peer name>" instead.

export interface LinkInfo {
  /** The name; when it is not valid UTF-8, with `\xHH` escapes (nameHex has the bytes). */
  name: string;
  /** The name's real bytes (hex), only when it is not valid UTF-8 (read from sysfs). */
  nameHex?: string;
  ifindex: number;
  /** linkinfo.info_kind: veth, bridge, vxlan, ipip, dummy, wireguard, geneve, macvlan... Absent for plain devices (lo, a NIC). */
  kind?: string;
  /** linkinfo.info_slave_kind: what the link is enslaved to (bridge, bond...). */
  slaveKind?: string;
  /** Name of the master device (e.g. cni0). */
  master?: string;
  /** UP, DOWN, UNKNOWN, LOWERLAYERDOWN... */
  operstate: string;
  flags: string[];
  /** ifindex of the peer or lower device when it is in another namespace (link_index). */
  linkIndex?: number;
  /** The namespace id of that peer (link_netnsid). */
  linkNetnsId?: number;
  /** Name of the peer or lower device when it is in this namespace ("link"). */
  link?: string;
  address?: string;
  mtu?: number;
  /** link_type: ether, loopback, none (wireguard), ipip... */
  linkType?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: { [key: string]: Json }, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function int(o: { [key: string]: Json }, key: string): number | undefined {
  const v = o[key];
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/**
 * iproute2 prints interface names into its JSON raw: a name holding ESC or another control character makes
 * the whole output invalid JSON (and every interface rule would go unchecked). Control characters inside
 * strings are escaped before parsing, so one odd name affects only itself.
 */
export function escapeJsonControls(text: string): string {
  if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text)) return text;
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString && c === '\\') {
      out += c + (text[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      inString = !inString;
      out += c;
    } else if (inString && c < ' ') {
      out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** Parse `ip -d -j link show` output. Throws on text that is not a JSON array; skips entries of another shape. */
export function parseIpLinkJson(text: string): LinkInfo[] {
  let data: unknown;
  try {
    data = JSON.parse(escapeJsonControls(text));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`ip -j link show: output is not valid JSON (${why})`);
  }
  if (!Array.isArray(data)) {
    throw new Error(`ip -j link show: expected a JSON array of links, got ${data === null ? 'null' : typeof data}`);
  }
  const out: LinkInfo[] = [];
  for (const entry of data as unknown[]) {
    if (!isObject(entry)) continue;
    const name = str(entry, 'ifname');
    const ifindex = int(entry, 'ifindex');
    if (name === undefined || name.length === 0 || ifindex === undefined) continue;
    const flagsRaw = entry['flags'];
    const flags = Array.isArray(flagsRaw) ? flagsRaw.filter((f): f is string => typeof f === 'string') : [];
    const link: LinkInfo = { name, ifindex, operstate: str(entry, 'operstate') ?? 'UNKNOWN', flags };
    const info = entry['linkinfo'];
    if (isObject(info)) {
      const kind = str(info, 'info_kind');
      const slaveKind = str(info, 'info_slave_kind');
      if (kind !== undefined) link.kind = kind;
      if (slaveKind !== undefined) link.slaveKind = slaveKind;
    }
    const master = str(entry, 'master');
    if (master !== undefined) link.master = master;
    const linkIndex = int(entry, 'link_index');
    if (linkIndex !== undefined) link.linkIndex = linkIndex;
    const linkNetnsId = int(entry, 'link_netnsid');
    if (linkNetnsId !== undefined) link.linkNetnsId = linkNetnsId;
    const peer = str(entry, 'link');
    if (peer !== undefined) link.link = peer;
    const address = str(entry, 'address');
    if (address !== undefined) link.address = address;
    const mtu = int(entry, 'mtu');
    if (mtu !== undefined) link.mtu = mtu;
    const linkType = str(entry, 'link_type');
    if (linkType !== undefined) link.linkType = linkType;
    out.push(link);
  }
  return out;
}
