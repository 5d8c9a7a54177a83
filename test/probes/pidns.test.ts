// The PID namespace of a process, also where the ns/pid links cannot be read (a scanner without ptrace rights
// over PID 1 gets EACCES there, as on this development VM): then NSpid depth in /proc/PID/status decides.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostPidNamespace, pidNamespaceOf } from '../../src/probes/processes.js';

const proc = mkdtempSync(path.join(tmpdir(), 'kr-pidns-proc-'));
afterAll(() => rmSync(proc, { recursive: true, force: true }));
const status = (pid: string, nspid: string): void => {
  mkdirSync(path.join(proc, pid));
  writeFileSync(path.join(proc, pid, 'status'), `Name:\tx\nPid:\t${pid}\nPPid:\t1\nNSpid:\t${nspid}\n`);
};
status('1', '1');
status('42', '42');
status('77', '77\t1');

describe('PID namespace without readable ns links', () => {
  it('a process nested one namespace deeper than PID 1 is in another PID namespace; one as deep is the host', () => {
    const host = hostPidNamespace(proc);
    expect(host).toEqual({ link: undefined, depth: 1 });
    expect(pidNamespaceOf(path.join(proc, '42'), host)).toBe('host');
    expect(pidNamespaceOf(path.join(proc, '77'), host)).toBe('other');
    expect(pidNamespaceOf(path.join(proc, '99'), host)).toBe('unknown');
  });
});
