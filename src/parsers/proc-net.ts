// /proc/net/{tcp,tcp6,udp,udp6}: one socket per line after a header.
//
//   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
//    0: 0100007F:2808 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9594 ...
//
// Addresses are the raw in-kernel words printed with %08X, i.e. in host byte order: 127.0.0.1 is 0100007F on
// a little-endian machine. IPv6 is four such words. Ports are already in host order (plain hex).
import { formatIPv4, formatIPv6, isHex } from './inet.js';

export interface SocketEntry {
  protocol: 'tcp' | 'udp';
  family: 'ipv4' | 'ipv6';
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The kernel socket state (TCP_ESTABLISHED = 1 ... TCP_LISTEN = 0x0A); UDP uses 7 (TCP_CLOSE) when unconnected. */
  state: number;
  /** TCP: state LISTEN. UDP: an unconnected bound socket (state 7, remote port 0). */
  listening: boolean;
  /** 0 for some kernel-owned sockets (e.g. a TIME_WAIT entry). */
  inode: number;
  uid: number;
}

export interface ProcNetOptions {
  /** Byte order of the machine that produced the text; default little-endian (x86-64, arm64). */
  littleEndian?: boolean;
}

export const TCP_STATE_LISTEN = 0x0a;
export const TCP_STATE_CLOSE = 0x07;

/**
 * Decode one /proc/net address (8 hex digits for IPv4, 32 for IPv6, without the port).
 * IPv6 comes back in RFC 5952 form (`::`, `fe80::1`, `::ffff:127.0.0.1` for v4-mapped).
 * Throws on anything else.
 */
export function decodeHexAddress(hex: string, family: 'ipv4' | 'ipv6', littleEndian = true): string {
  const want = family === 'ipv4' ? 8 : 32;
  if (hex.length !== want || !isHex(hex)) {
    throw new Error(`not a /proc/net ${family} address: ${JSON.stringify(hex)}`);
  }
  const bytes: number[] = [];
  for (let w = 0; w < want; w += 8) {
    const word = [
      parseInt(hex.slice(w, w + 2), 16),
      parseInt(hex.slice(w + 2, w + 4), 16),
      parseInt(hex.slice(w + 4, w + 6), 16),
      parseInt(hex.slice(w + 6, w + 8), 16),
    ];
    if (littleEndian) word.reverse();
    bytes.push(...word);
  }
  return family === 'ipv4' ? formatIPv4(bytes) : formatIPv6(bytes);
}

function splitEndpoint(field: string, family: 'ipv4' | 'ipv6', littleEndian: boolean): { address: string; port: number } | undefined {
  const colon = field.indexOf(':');
  if (colon === -1) return undefined;
  const addrHex = field.slice(0, colon);
  const portHex = field.slice(colon + 1);
  if (addrHex.length !== (family === 'ipv4' ? 8 : 32) || !isHex(addrHex)) return undefined;
  if (portHex.length === 0 || portHex.length > 4 || !isHex(portHex)) return undefined;
  return { address: decodeHexAddress(addrHex, family, littleEndian), port: parseInt(portHex, 16) };
}

function isDecimal(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parse the text of /proc/net/tcp, tcp6, udp or udp6. The header and malformed lines are skipped; the order
 * of the file is kept.
 */
export function parseProcNet(
  text: string,
  protocol: 'tcp' | 'udp',
  family: 'ipv4' | 'ipv6',
  options: ProcNetOptions = {},
): SocketEntry[] {
  const littleEndian = options.littleEndian ?? true;
  const out: SocketEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    // sl, local, remote, st, tx:rx, tr:when, retrnsmt, uid, timeout, inode
    if (f.length < 10) continue;
    const [sl, local, remote, st, , , , uid, , inode] = f as [string, string, string, string, string, string, string, string, string, string];
    if (!sl.endsWith(':') || !isDecimal(sl.slice(0, -1))) continue; // the header starts with "sl"
    const l = splitEndpoint(local, family, littleEndian);
    const r = splitEndpoint(remote, family, littleEndian);
    if (!l || !r || st.length === 0 || st.length > 2 || !isHex(st) || !isDecimal(uid) || !isDecimal(inode)) continue;
    const state = parseInt(st, 16);
    const listening = protocol === 'tcp' ? state === TCP_STATE_LISTEN : state === TCP_STATE_CLOSE && r.port === 0;
    out.push({
      protocol,
      family,
      localAddress: l.address,
      localPort: l.port,
      remoteAddress: r.address,
      remotePort: r.port,
      state,
      listening,
      inode: Number(inode),
      uid: Number(uid),
    });
  }
  return out;
}
