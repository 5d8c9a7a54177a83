import { describe, expect, it } from 'vitest';
import { parseNftListChains, parseNftTablesJson } from '../../src/parsers/nft.js';
import { fixture } from './fixture.js';

describe('parseNftTablesJson', () => {
  it('reads the real `nft -j list tables` capture', () => {
    const tables = parseNftTablesJson(fixture('nft/nft-list-tables.json'));
    expect(tables.map((t) => `${t.family} ${t.name}`)).toEqual([
      'ip nat',
      'ip filter',
      'ip kube-proxy',
      'ip6 kube-proxy',
      'ip calico',
      'arp calico-arp',
      'inet firewalld',
    ]);
    expect(tables[2]).toEqual({ family: 'ip', name: 'kube-proxy', handle: 3 });
  });

  it('agrees with the text form captured alongside', () => {
    const text = fixture('nft/nft-list-tables.txt')
      .split('\n')
      .filter((l) => l.startsWith('table '))
      .map((l) => l.slice('table '.length));
    expect(parseNftTablesJson(fixture('nft/nft-list-tables.json')).map((t) => `${t.family} ${t.name}`)).toEqual(text);
  });

  it('no tables: only metainfo (real capture)', () => {
    expect(parseNftTablesJson(fixture('nft/nft-list-tables-empty.json'))).toEqual([]);
  });

  it('skips entries of the wrong shape', () => {
    const text = JSON.stringify({
      nftables: [
        { metainfo: { version: '1.0.6' } },
        { table: { family: 'ip', name: 'ok' } },
        { table: { family: 'ip' } },
        { table: { family: 4, name: 'x' } },
        { table: 'ip x' },
        { chain: { family: 'ip', table: 'ok', name: 'c' } },
        null,
        'str',
        { table: { family: 'inet', name: 'h', handle: 'seven' } },
      ],
    });
    expect(parseNftTablesJson(text)).toEqual([
      { family: 'ip', name: 'ok' },
      { family: 'inet', name: 'h' },
    ]);
  });

  it('throws a clear error on text that is not nft JSON', () => {
    expect(() => parseNftTablesJson('')).toThrow(/nft -j list tables: output is not valid JSON/);
    expect(() => parseNftTablesJson('table ip filter\n')).toThrow(/not valid JSON/);
    expect(() => parseNftTablesJson('[]')).toThrow(/"nftables" array/);
    expect(() => parseNftTablesJson('{"nftables": {}}')).toThrow(/"nftables" array/);
  });
});

describe('parseNftListChains', () => {
  it('names every table of the real `nft list chains` capture, also those without chains', () => {
    const listing = parseNftListChains(fixture('nft/nft-list-chains.txt'));
    // The same tables as `nft list tables` shows in the same namespace.
    const text = fixture('nft/nft-list-tables.txt')
      .split('\n')
      .filter((l) => l.startsWith('table '))
      .map((l) => l.slice('table '.length));
    expect(listing.tables.map((t) => `${t.family} ${t.name}`)).toEqual(text);
    expect(listing.chains.get('ip nat')).toEqual(['KUBE-SERVICES']);
    expect(listing.chains.get('ip kube-proxy')).toEqual(['services']);
    expect(listing.chains.get('ip6 kube-proxy')).toEqual([]);
  });

  it('no tables: empty output (real capture)', () => {
    expect(parseNftListChains(fixture('nft/nft-list-chains-empty.txt'))).toEqual({ tables: [], chains: new Map() });
  });

  it('base chains, comments and quoted names', () => {
    const text = [
      '# Warning: table ip filter is managed by iptables-nft, do not touch!',
      'table ip filter {',
      '\tchain INPUT {',
      '\t\ttype filter hook input priority filter; policy accept;',
      '\t}',
      '\tchain "odd chain" {',
      '\t}',
      '}',
      'table inet "my table" {',
      '}',
      '',
    ].join('\n');
    const listing = parseNftListChains(text);
    expect(listing.tables).toEqual([
      { family: 'ip', name: 'filter' },
      { family: 'inet', name: 'my table' },
    ]);
    expect(listing.chains.get('ip filter')).toEqual(['INPUT', 'odd chain']);
  });
});
