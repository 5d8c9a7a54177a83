// Paths of a host mounted at --root are resolved inside it: an absolute symlink starts again at the root, `..`
// stops at it, loops end with ELOOP. Nothing resolves to this machine's own files.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rootPathResolver } from '../../src/probes/root-path.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'kr-root-path-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const at = (p: string): string => path.join(root, p);
mkdirSync(at('run/systemd/resolve'), { recursive: true });
mkdirSync(at('etc'), { recursive: true });
mkdirSync(at('srv/k8s/pki'), { recursive: true });
writeFileSync(at('run/systemd/resolve/stub-resolv.conf'), 'nameserver 127.0.0.53\n');
symlinkSync('/run/systemd/resolve/stub-resolv.conf', at('etc/resolv.conf'));
symlinkSync('/srv/k8s', at('etc/kubernetes'));
symlinkSync('../../../../../../../etc', at('srv/k8s/pki/up'));
symlinkSync('/', at('srv/slash'));
symlinkSync('/etc/loop-b', at('etc/loop-a'));
symlinkSync('/etc/loop-a', at('etc/loop-b'));
symlinkSync('run', at('var-run'));
// Names that are not UTF-8: an absolute link on the way to one, and a link whose target is one.
const raw = (s: string): Buffer => Buffer.from(s, 'latin1');
mkdirSync(Buffer.concat([Buffer.from(at('srv/')), raw('d\xff')]));
symlinkSync('/srv', at('data'));
symlinkSync(raw('/srv/d\xff'), at('etc/bad-link'));

describe('rootPathResolver', () => {
  const r = rootPathResolver(root);

  it('follows an absolute symlink inside the root', () => {
    expect(r.follow('/etc/resolv.conf')).toBe(at('run/systemd/resolve/stub-resolv.conf'));
    expect(r.noFollow('/etc/resolv.conf')).toBe(at('etc/resolv.conf'));
  });

  it('resolves symlinked directories on the way, even when the last component is not followed', () => {
    expect(r.noFollow('/etc/kubernetes/pki/ca.crt')).toBe(at('srv/k8s/pki/ca.crt'));
    expect(r.follow('/etc/kubernetes')).toBe(at('srv/k8s'));
  });

  it('stops `..` and `/` at the root', () => {
    expect(r.follow('/srv/k8s/pki/up/resolv.conf')).toBe(at('run/systemd/resolve/stub-resolv.conf'));
    expect(r.follow('/srv/slash/etc/hostname')).toBe(at('etc/hostname'));
    expect(r.follow('/../../etc/x')).toBe(at('etc/x'));
  });

  it('a relative link resolves next to itself', () => {
    expect(r.follow('/var-run/systemd')).toBe(at('run/systemd'));
  });

  it('a loop is ELOOP, not a hang or an escape', () => {
    expect(() => r.follow('/etc/loop-a')).toThrow(/ELOOP/);
    expect(r.noFollow('/etc/loop-a')).toBe(at('etc/loop-a'));
  });

  it('a path that does not exist maps to where it would be', () => {
    expect(r.follow('/no/such/file')).toBe(at('no/such/file'));
  });

  it('resolves byte paths inside the root too, and never decodes a byte name into text', () => {
    expect(r.followBytes(Buffer.concat([Buffer.from('/data/'), raw('d\xff')]))).toEqual(Buffer.concat([Buffer.from(at('srv/')), raw('d\xff')]));
    expect(r.noFollowBytes(Buffer.concat([Buffer.from('/data/'), raw('d\xff/x')]))).toEqual(Buffer.concat([Buffer.from(at('srv/')), raw('d\xff/x')]));
    expect(r.followBytes(Buffer.from('/etc/bad-link'))).toEqual(Buffer.concat([Buffer.from(at('srv/')), raw('d\xff')]));
    expect(() => r.follow('/etc/bad-link')).toThrow(/EILSEQ/);
    expect(r.noFollow('/etc/bad-link')).toBe(at('etc/bad-link'));
  });
});
