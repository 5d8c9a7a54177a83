// A finding's values (`vars`) read once into the typed shape its check kind declares (FixVarsOf<kind>), so the
// planners work with `values.pid: string` instead of probing an untyped record. A value of the wrong type (a
// list where a word belongs) makes the finding unplannable: the plan refuses it with the reason. Values a
// report may lack (an older version's) get the defaults the planners always used (an empty word, an empty list).
import type { Finding, FixVars } from '../model/result.js';
import type { FixVarsOf } from '../checks/index.js';
import type { CheckKind } from '../model/rule.js';
import { nameFromBytes } from '../byte-names.js';

/**
 * A finding's values as its kind's module declares them (src/checks/<kind>.ts): the same type the check writes
 * and a planner reads.
 */
export type FixValues<K extends CheckKind> = K extends CheckKind ? FixVarsOf<K> : never;

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

  /** One of `allowed`; anything else (or nothing) is a problem, so the finding is refused rather than guessed at. */
  oneOf<T extends string>(name: string, allowed: readonly [T, ...T[]]): T {
    const v = this.word(name);
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.wrong(name, `one of ${allowed.join(', ')}${v === '' ? ' (the report does not say)' : ''}`);
    return allowed[0];
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

export type ReadValues<K extends CheckKind> = { ok: true; values: FixValues<K> } | { ok: false; problem: string };
