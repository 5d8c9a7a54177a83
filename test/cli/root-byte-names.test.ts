// Under --root, a path whose names are not valid UTF-8 is resolved inside the root like any other: an absolute
// symlink on its way (/var/lib -> <abs>/data/lib, as the mounted host wrote it) is followed inside the root, not
// on the scanning machine, where a decoy of the same spelling waits (a file where the root has a directory, and
// a directory the root does not have). Plain globs, `**` globs and braces alike.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'kr-root-bytes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const join = (...parts: Array<string | Buffer>): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));

describe('--root with names that are not valid UTF-8', () => {
  const root = path.join(tmp, 'root');
  // The data directory's absolute path: the same spelling exists on the scanning machine (the decoy side).
  const data = path.join(tmp, 'data', 'lib');
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  mkdirSync(path.join(root, 'var'), { recursive: true });
  mkdirSync(path.join(root, data), { recursive: true });
  symlinkSync(data, path.join(root, 'var', 'lib'));
  const residue = join(root, data, '/', b('etcd-bad\xff\xfe'));
  mkdirSync(residue);
  writeFileSync(join(residue, '/member'), 'residue');
  // The scanning machine's side of the same absolute path.
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, '/', b('etcd-bad\xff\xfe')), 'decoy file on the scanning machine');
  mkdirSync(join(data, '/', b('etcd-decoy\xff')));

  const rules = path.join(tmp, 'rules.yaml');
  const rule = (id: string, p: string): string => `  - id: ${id}
    title: etcd data dirs
    severity: low
    description: etcd data dirs
    tags: []
    profiles: [post-reset]
    check: { kind: path, paths: ['${p}'] }
    fix: { commands: ['rm -rf -- {{target}}'] }
    rebootClears: false
    references: []
`;
  writeFileSync(rules, `pack: rootbytes\nrules:\n${rule('t-plain', '/var/lib/etcd*')}${rule('t-deep', '/var/lib/**/etcd*')}${rule('t-brace', '/var/{lib,opt}/etcd*')}`);

  it('finds the residue inside the root, never the scanning machine’s decoy', () => {
    const run = runCli(['scan', '--no-builtin', '--rules', rules, '--root', root, '--format', 'json']);
    expect(run.status, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ScanResult;
    const hex = join('/var/lib/', b('etcd-bad\xff\xfe')).toString('hex');
    for (const id of ['t-plain', 't-deep', 't-brace']) {
      const r = report.results.find((x) => x.ruleId === id);
      expect(r?.status, id).toBe('found');
      expect(r?.findings.map((f) => [f.target, f.vars.targetHex, f.evidence]), id).toEqual([
        ['/var/lib/etcd-bad\\xff\\xfe', hex, 'directory, not empty; the name is not valid UTF-8 (\\xHH marks its raw bytes)'],
      ]);
    }
    expect(run.stdout).not.toContain('etcd-decoy');
  });
});
