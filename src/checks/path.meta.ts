// The `path` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./path.ts.
import type { Condition } from '../model/conditions.js';
import { schemaRef, type KindMeta } from './kind.js';

export interface PathCheck {
  kind: 'path';
  /** Absolute paths or globs. `/var/run/...` and `/run/...` are the same place. */
  paths: string[];
  /** What the object must be to count; default `any`. */
  type?: 'file' | 'dir' | 'symlink' | 'any';
  /** `exists` (default) or `non-empty` (a directory with at least one entry, a file with at least one byte). */
  condition?: 'exists' | 'non-empty';
  /** Globs only: how deep below the first wildcard a match may lie (default 4). */
  maxDepth?: number;
  /** Globs matching host paths that never count (e.g. a distro file sharing a name). */
  exclude?: string[];
  /** Conditions every match must meet to count (src/model/conditions.ts): provenance, contents. */
  when?: Condition[];
}

/**
 * `linkTarget`: where a symlink points, when the probe could read it (the planner uses it to stay in bounds).
 * `removable`: set by the engine for rules with conditions (`when`).
 * `targetHex`: the path's real bytes when a name on it is not valid UTF-8 (`target` then has `\xHH` escapes).
 */
export type PathFixVars = { target: string; linkTarget?: string; removable?: string[]; targetHex?: string };

export const pathKind: KindMeta<'path', PathCheck, PathFixVars> = {
  kind: 'path',
  doc: {
    fields: '`paths` (literal or glob; `/var/run` = `/run`), `type` file/dir/symlink/any, `condition` exists/non-empty, `maxDepth`, `exclude`, `when` (conditions, below)',
    findingPer: 'path',
  },
  params: { paths: 'required', type: 'optional', condition: 'optional', maxDepth: 'optional', exclude: 'optional', when: 'optional' },
  schema: {
    properties: {
      paths: schemaRef.absGlobList,
      type: { enum: ['file', 'dir', 'symlink', 'any'] },
      condition: { enum: ['exists', 'non-empty'] },
      maxDepth: { type: 'integer', minimum: 1, maximum: 12 },
      exclude: schemaRef.absGlobList,
      when: schemaRef.conditionList,
    },
  },
  regexFields: [],
  fixVars: {
    target: 'the host path (a name that is not valid UTF-8 with `\\xHH` for each raw byte)',
    linkTarget: 'where a symbolic link points (symlinks only)',
    removable: 'rules with conditions: what a clean-up may remove (what no package or other engine owns; the Kubernetes entries it holds), else the path',
    targetHex: 'the path\u2019s real bytes in hex (only when a name on it is not valid UTF-8)',
  },
  sarifPrecision: 'very-high',
};
