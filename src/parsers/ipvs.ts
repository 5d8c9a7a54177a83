// /proc/net/ip_vs (net/netfilter/ipvs/ip_vs_ctl.c, ip_vs_info_seq_show):
//
//   IP Virtual Server version 1.2.1 (size=4096)
//   Prot LocalAddress:Port Scheduler Flags
//     -> RemoteAddress:Port Forward Weight ActiveConn InActConn
//   TCP  0A600001:01BB rr
//     -> C0A87A0A:192B      Masq    1      0          0
//   TCP  [fd00:0010:0096:0000:0000:0000:0000:0001]:01BB rr
//   FWM  00000001 rr
//
// IPv4 addresses are printed after ntohl, i.e. big-endian hex (10.96.0.1 is 0A600001, unlike /proc/net/tcp);
// IPv6 in full %pI6 form inside brackets; ports in hex; a firewall-mark service has its mark (hex) instead.
import { formatIPv4, formatIPv6, isHex, parseIPv6Groups } from './inet.js';

export interface IpvsService {
  protocol: 'TCP' | 'UDP' | 'SCTP' | 'FWM';
  /** `10.96.0.1:443`, `[fd00::1]:443`, or the decimal mark for FWM services (`1`). */
  address: string;
  scheduler: string;
  /** Number of `->` destination lines under the service. */
  realServers: number;
}

const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 'FWM']);

function port(hex: string): number | undefined {
  return hex.length > 0 && hex.length <= 4 && isHex(hex) ? parseInt(hex, 16) : undefined;
}

/** `0A600001:01BB` → `10.96.0.1:443`; `[fd00:...:0001]:01BB` → `[fd00::1]:443`; undefined otherwise. */
export function decodeIpvsEndpoint(field: string): string | undefined {
  if (field.startsWith('[')) {
    const close = field.indexOf(']:');
    if (close === -1) return undefined;
    const bytes = parseIPv6Groups(field.slice(1, close));
    const p = port(field.slice(close + 2));
    if (!bytes || p === undefined) return undefined;
    return `[${formatIPv6(bytes)}]:${p}`;
  }
  const colon = field.indexOf(':');
  if (colon !== 8) return undefined;
  const hex = field.slice(0, 8);
  const p = port(field.slice(9));
  if (!isHex(hex) || p === undefined) return undefined;
  const n = parseInt(hex, 16);
  return `${formatIPv4([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])}:${p}`;
}

/** Parse /proc/net/ip_vs. Header lines and lines of unknown shape are skipped. */
export function parseProcIpvs(text: string): IpvsService[] {
  const out: IpvsService[] = [];
  let last: IpvsService | undefined;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.length === 0) continue;
    if (t.startsWith('->')) {
      // A destination of the service above (the column header also starts with "->").
      if (last && !t.includes('RemoteAddress')) last.realServers++;
      continue;
    }
    const f = t.split(/\s+/);
    const proto = f[0] ?? '';
    if (!PROTOCOLS.has(proto) || f.length < 3) {
      last = undefined;
      continue;
    }
    const where = f[1] ?? '';
    let address: string | undefined;
    if (proto === 'FWM') address = where.length > 0 && where.length <= 8 && isHex(where) ? String(parseInt(where, 16)) : undefined;
    else address = decodeIpvsEndpoint(where);
    if (address === undefined) {
      last = undefined;
      continue;
    }
    last = { protocol: proto as IpvsService['protocol'], address, scheduler: f[2] ?? '', realServers: 0 };
    out.push(last);
  }
  return out;
}
