// Probe facts survive the snapshot's JSON exactly: Maps, Sets, byte strings, undefined, and host data that looks
// like the codec's own tags.
import { describe, expect, it } from 'vitest';
import { decodeFacts, encodeFacts } from '../../src/snapshot/codec.js';

const roundTrip = (v: unknown): unknown => decodeFacts(JSON.parse(JSON.stringify(encodeFacts(v))));

describe('snapshot fact codec', () => {
  it('keeps Maps, Sets, Buffers, bigints and undefined', () => {
    const facts = {
      paths: new Map<string, unknown>([['/var/lib/kubelet', { type: 'dir', size: 4096, owner: undefined }]]),
      seen: new Set(['/run/calico', '/etc/cni']),
      name: Buffer.from([0x6b, 0xff, 0x00, 0x0a]),
      inode: 12345678901234567890n,
      list: [1, undefined, 'x'],
      nested: new Map([[1, new Set([new Map([['a', [Buffer.from('b')]]])])]]),
    };
    const back = roundTrip(facts) as typeof facts;
    expect(back).toEqual(facts);
    expect(back.paths).toBeInstanceOf(Map);
    expect(Buffer.isBuffer(back.name)).toBe(true);
    expect(back.list).toHaveLength(3);
  });

  it('does not mistake host data for its tags', () => {
    const facts = { units: { $kr: 'Map', v: [['x', 1]] }, other: new Map([['$kr', { $kr: 'Set' }]]) };
    expect(roundTrip(facts)).toEqual(facts);
  });

  it('stores a class instance with toJSON as its JSON data (iptables rules split their words lazily)', () => {
    class Rule {
      constructor(readonly raw: string) {}
      get words(): string[] {
        return this.raw.split(' ');
      }
      toJSON(): { raw: string; words: string[] } {
        return { raw: this.raw, words: this.words };
      }
    }
    expect(roundTrip([new Rule('-j KUBE-SERVICES')])).toEqual([{ raw: '-j KUBE-SERVICES', words: ['-j', 'KUBE-SERVICES'] }]);
  });

  it('refuses what it cannot restore', () => {
    class Probe {}
    expect(() => encodeFacts({ p: new Probe() })).toThrow(/Probe instance/);
    expect(() => encodeFacts({ f: () => 1 })).toThrow(/function/);
  });
});
