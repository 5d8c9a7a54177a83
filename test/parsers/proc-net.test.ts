import { describe, expect, it } from 'vitest';
import { decodeHexAddress, parseProcNet, type SocketEntry } from '../../src/parsers/proc-net.js';
import { fixture } from './fixture.js';

const tcp = parseProcNet(fixture('proc-net/tcp.txt'), 'tcp', 'ipv4');
const tcp6 = parseProcNet(fixture('proc-net/tcp6.txt'), 'tcp', 'ipv6');
const udp = parseProcNet(fixture('proc-net/udp.txt'), 'udp', 'ipv4');
const udp6 = parseProcNet(fixture('proc-net/udp6.txt'), 'udp', 'ipv6');

const listeners = (s: SocketEntry[]): string[] => s.filter((x) => x.listening).map((x) => `${x.localAddress}:${x.localPort}`);

describe('parseProcNet: real capture', () => {
  it('reads every socket line and skips the header', () => {
    expect(tcp).toHaveLength(5);
    expect(tcp6).toHaveLength(5);
    expect(udp).toHaveLength(3);
    expect(udp6).toHaveLength(1);
    for (const s of [...tcp, ...tcp6, ...udp, ...udp6]) {
      expect(s.inode).toBeGreaterThan(0);
      expect(s.uid).toBe(0);
    }
  });

  it('tcp v4: 6443 and 127.0.0.1:10248 listening', () => {
    expect(listeners(tcp).sort()).toEqual(['0.0.0.0:6443', '127.0.0.1:10248']);
    const api = tcp.find((s) => s.localPort === 6443 && s.listening);
    expect(api).toMatchObject({ protocol: 'tcp', family: 'ipv4', localAddress: '0.0.0.0', remoteAddress: '0.0.0.0', remotePort: 0, state: 0x0a });
  });

  it('tcp v4: established connections are not listening', () => {
    const est = tcp.filter((s) => s.state === 1);
    expect(est).toHaveLength(3);
    expect(est.every((s) => !s.listening)).toBe(true);
    expect(est.find((s) => s.remotePort === 6443)).toMatchObject({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' });
    expect(est.find((s) => s.localPort === 6443)?.remoteAddress).toBe('127.0.0.1');
  });

  it('tcp v6: 10250 on :: (dual stack) and 2379 on ::1', () => {
    expect(listeners(tcp6).sort()).toEqual(['::1:2379', ':::10250']);
    expect(tcp6.find((s) => s.listening && s.localPort === 10250)).toMatchObject({ family: 'ipv6', localAddress: '::', remoteAddress: '::' });
  });

  it('tcp v6: a v4 client of the dual-stack listener shows as ::ffff:127.0.0.1', () => {
    const mapped = tcp6.find((s) => s.localAddress === '::ffff:127.0.0.1');
    expect(mapped).toMatchObject({ localPort: 10250, remoteAddress: '::ffff:127.0.0.1', state: 1, listening: false });
  });

  it('udp v4: the vxlan socket on 8472 and 169.254.25.10:53 are listening; a connected socket is not', () => {
    expect(listeners(udp).sort()).toEqual(['0.0.0.0:8472', '169.254.25.10:53']);
    const connected = udp.find((s) => s.remotePort === 53);
    expect(connected).toMatchObject({ state: 1, listening: false, remoteAddress: '169.254.25.10' });
  });

  it('udp v6: [::]:5353 listening', () => {
    expect(udp6).toMatchObject([{ protocol: 'udp', family: 'ipv6', localAddress: '::', localPort: 5353, listening: true, state: 7 }]);
  });
});

describe('parseProcNet: edge cases', () => {
  it('empty and header-only input', () => {
    expect(parseProcNet('', 'tcp', 'ipv4')).toEqual([]);
    expect(parseProcNet('  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n', 'tcp', 'ipv4')).toEqual([]);
  });

  it('skips garbage and lines of the wrong family', () => {
    const text = [
      'garbage',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0',
      '   1: ZZ00007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
      '   2: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
      '   3: 0100007F:1F90 00000000:0000 0A',
      '   x: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0',
      '   4: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1 0',
    ].join('\n');
    expect(parseProcNet(text, 'tcp', 'ipv4')).toEqual([
      { protocol: 'tcp', family: 'ipv4', localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 10, listening: true, inode: 4242, uid: 1000 },
    ]);
  });

  it('a UDP socket with state 7 but a remote port is not listening', () => {
    const [s] = parseProcNet('1: 0100007F:0035 0100007F:0035 07 00000000:00000000 00:00000000 00000000 0 0 9 2 0 0', 'udp', 'ipv4');
    expect(s?.listening).toBe(false);
  });

  it('big-endian hosts', () => {
    const [s] = parseProcNet('0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7 1 0', 'tcp', 'ipv4', { littleEndian: false });
    expect(s?.localAddress).toBe('127.0.0.1');
  });
});

describe('decodeHexAddress', () => {
  it('IPv4 in little-endian /proc order', () => {
    expect(decodeHexAddress('0100007F', 'ipv4')).toBe('127.0.0.1');
    expect(decodeHexAddress('0A19FEA9', 'ipv4')).toBe('169.254.25.10');
    expect(decodeHexAddress('00000000', 'ipv4')).toBe('0.0.0.0');
    expect(decodeHexAddress('7F000001', 'ipv4', false)).toBe('127.0.0.1');
  });

  it('IPv6, compressed per RFC 5952', () => {
    expect(decodeHexAddress('00000000000000000000000000000000', 'ipv6')).toBe('::');
    expect(decodeHexAddress('00000000000000000000000001000000', 'ipv6')).toBe('::1');
    expect(decodeHexAddress('000080FE000000000000000001000000', 'ipv6')).toBe('fe80::1');
    // 2001:db8:0:0:1:0:0:1: the first of two equal zero runs is the one compressed
    expect(decodeHexAddress('B80D0120000000000000010001000000', 'ipv6')).toBe('2001:db8::1:0:0:1');
    // a single zero group is not compressed
    expect(decodeHexAddress('B80D0120000001000300020005000400', 'ipv6')).toBe('2001:db8:1:0:2:3:4:5');
    // fd00:10:96::a
    expect(decodeHexAddress('100000FD00009600000000000A000000', 'ipv6')).toBe('fd00:10:96::a');
  });

  it('v4-mapped IPv6', () => {
    expect(decodeHexAddress('0000000000000000FFFF00000100007F', 'ipv6')).toBe('::ffff:127.0.0.1');
  });

  it('throws on a wrong length or non-hex text', () => {
    expect(() => decodeHexAddress('0100007F', 'ipv6')).toThrow(/ipv6/);
    expect(() => decodeHexAddress('0100007G', 'ipv4')).toThrow();
    expect(() => decodeHexAddress('', 'ipv4')).toThrow();
  });
});
