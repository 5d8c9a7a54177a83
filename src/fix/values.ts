// A finding's values (`vars`) as each check kind writes them, read once into a typed shape per kind, so the
// planners work with `values.pid: string` instead of probing an untyped record. A value of the wrong type (a
// list where a word belongs) makes the finding unplannable: the plan refuses it with the reason. Values a
// check may leave out get the defaults the planners always used (an empty word, an empty list).
import type { Finding, FixVars } from '../model/result.js';
import type { CheckKind } from '../model/rule.js';
import { nameFromBytes } from '../byte-names.js';

export interface FixValuesByKind {
  path: {
    target: string;
    linkTarget?: string;
    /** The real bytes of the path (hex) when a name on it is not valid UTF-8; `target` then has `\xHH` escapes. */
    targetHex?: string;
  };
  mount: { target: string; fstype: string; source: string };
  cgroup: { target: string; name: string; hierarchy: string };
  interface: {
    target: string;
    linkKind: string;
    /** The name's real bytes (hex) when it is not valid UTF-8; `target` then has `\xHH` escapes. */
    targetHex?: string;
  };
  iptables: {
    target: string;
    /** The backend's command: iptables-nft, ip6tables-legacy, ... */
    iptables: string;
    table: string;
    /** Chain findings: the chain and every rule that jumps into it (`CHAIN args...`). */
    chain: string;
    jumps: string[][];
    /** Rule findings: the rule's words after -A (`CHAIN args...`). */
    rule?: string[];
    /** `yes` when a name in the finding is not valid UTF-8 (shown with `\xHH`): never addressed by the plan. */
    rawBytes?: string;
  };
  nftables: { target: string; family: string; table: string };
  ipvs: { target: string; protocolFlag: string; address: string };
  ipset: { target: string };
  'systemd-unit': { target: string; paths: string[] };
  process: {
    target: string;
    pid: string;
    comm: string;
    /** `host` when the process is in the PID namespace of the host's PID 1; anything else is never killed. */
    pidNamespace?: string;
  };
  port: { target: string; port: string; protocol: string; pids: string[] };
  netns: { target: string };
  'file-content': {
    target: string;
    /** The sed program the rule's own command uses (shown, never run: the edit is anchored to `lines`). */
    sedDelete?: string;
    /**
     * The exact text the scan saw, as blocks of consecutive lines (a marker block, or one matched line), each
     * block encoded as its lines joined with "\n". The script removes exactly these and refuses when they are gone.
     */
    lines?: string[];
  };
  'kube-resource': { target: string; resource: string; name: string; namespace?: string };
}

export type FixValues<K extends CheckKind> = FixValuesByKind[K];

type Read<K extends CheckKind> = (r: ValueReader) => FixValues<K>;

/** Reads typed values out of a FixVars record, remembering the first value of the wrong type. */
export class ValueReader {
  problem: string | undefined;
  constructor(
    private readonly vars: FixVars,
    readonly finding: Pick<Finding, 'target'>,
  ) {}

  private wrong(name: string, what: string): void {
    this.problem ??= `value "${name}" is not ${what}`;
  }

  /** A word; `fallback` when missing. */
  word(name: string, fallback = ''): string {
    const v = this.vars[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'string') this.wrong(name, 'a single word');
    return typeof v === 'string' ? v : fallback;
  }

  /** The finding's target value, or its target. */
  target(): string {
    return this.word('target', this.finding.target);
  }

  optionalWord(name: string): string | undefined {
    return this.vars[name] === undefined ? undefined : this.word(name);
  }

  /** A list of words (a single word counts as a list of one, as the templates read it). */
  words(name: string): string[] {
    const v = this.vars[name];
    if (v === undefined) return [];
    if (typeof v === 'string') return [v];
    if (!v.every((x): x is string => typeof x === 'string')) this.wrong(name, 'a list of words');
    return v.filter((x): x is string => typeof x === 'string');
  }

  optionalWords(name: string): string[] | undefined {
    const v = this.vars[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      this.wrong(name, 'a list of words');
      return undefined;
    }
    return v as string[];
  }

  /**
   * Raw bytes (hex) of a name that is not valid UTF-8; they must spell `text` (its `\xHH` form), or a report
   * could name one path and have another removed.
   */
  bytesOf(name: string, text: string): string | undefined {
    const hex = this.optionalWord(name);
    if (hex === undefined) return undefined;
    if (!/^(?:[0-9a-f]{2})+$/.test(hex)) {
      this.wrong(name, 'hex bytes');
      return undefined;
    }
    const spelled = nameFromBytes(Buffer.from(hex, 'hex'));
    if (spelled.bytes === undefined || spelled.text !== text) {
      this.wrong(name, `the bytes of ${JSON.stringify(text)} (they spell ${JSON.stringify(spelled.text)})`);
      return undefined;
    }
    return hex;
  }

  /** A list of word lists (`jumps`). */
  wordLists(name: string): string[][] {
    const v = this.vars[name];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => Array.isArray(x) && x.every((w) => typeof w === 'string'))) {
      this.wrong(name, 'a list of word lists');
      return [];
    }
    return v as string[][];
  }
}

const READERS: { [K in CheckKind]: Read<K> } = {
  path: (r) => ({ target: r.target(), linkTarget: r.optionalWord('linkTarget'), targetHex: r.bytesOf('targetHex', r.target()) }),
  mount: (r) => ({ target: r.target(), fstype: r.word('fstype'), source: r.word('source') }),
  cgroup: (r) => ({ target: r.target(), name: r.word('name'), hierarchy: r.word('hierarchy') }),
  interface: (r) => ({ target: r.target(), linkKind: r.word('linkKind'), targetHex: r.bytesOf('targetHex', r.target()) }),
  iptables: (r) => ({ target: r.target(), iptables: r.word('iptables'), table: r.word('table'), chain: r.word('chain'), jumps: r.wordLists('jumps'), rule: r.optionalWords('rule'), rawBytes: r.optionalWord('rawBytes') }),
  nftables: (r) => ({ target: r.target(), family: r.word('family'), table: r.word('table') }),
  ipvs: (r) => ({ target: r.target(), protocolFlag: r.word('protocolFlag'), address: r.word('address') }),
  ipset: (r) => ({ target: r.target() }),
  'systemd-unit': (r) => ({ target: r.target(), paths: r.words('paths') }),
  process: (r) => ({ target: r.target(), pid: r.word('pid'), comm: r.word('comm'), pidNamespace: r.optionalWord('pidNamespace') }),
  port: (r) => ({ target: r.target(), port: r.word('port'), protocol: r.word('protocol'), pids: r.words('pids') }),
  netns: (r) => ({ target: r.target() }),
  'file-content': (r) => ({ target: r.target(), sedDelete: r.optionalWord('sedDelete'), lines: r.optionalWords('lines') }),
  'kube-resource': (r) => ({ target: r.target(), resource: r.word('resource'), name: r.word('name'), namespace: r.optionalWord('namespace') }),
};

export type ReadValues<K extends CheckKind> = { ok: true; values: FixValues<K> } | { ok: false; problem: string };

/** The finding's values in the shape of its kind, or why they do not have it. */
export function readValues<K extends CheckKind>(kind: K, finding: Pick<Finding, 'target' | 'vars'>): ReadValues<K> {
  const reader = new ValueReader(finding.vars, finding);
  const values = (READERS[kind] as Read<K>)(reader);
  return reader.problem === undefined ? { ok: true, values } : { ok: false, problem: reader.problem };
}
