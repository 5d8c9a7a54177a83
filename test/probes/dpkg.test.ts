// The dpkg database reader on a fixture database (fixtures/hosts/debian-runtimes: this machine's real entries
// for the container packages) and on hand-made edge cases.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dpkgExpectedMd5, dpkgOwners, dpkgOwnersFast, openDpkgDatabase, parseDpkgStatus, parseMd5sums } from '../../src/probes/dpkg.js';
import { parseRpmQf } from '../../src/probes/rpm.js';
import { fixture } from '../helpers/cli.js';

const dpkgDir = fixture('hosts', 'debian-runtimes', 'var', 'lib', 'dpkg');
const db = openDpkgDatabase(path.join(dpkgDir, 'status'), path.join(dpkgDir, 'info'));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('dpkg status', () => {
  it('knows installed packages, their conffiles and md5s, and that config-files is not installed', () => {
    expect(db).toBeDefined();
    expect(db?.pkg('containerd')?.installed).toBe(true);
    expect(db?.pkg('containerd')?.conffiles.get('/etc/containerd/config.toml')).toBe('773cf1c5a249197a8ef37a08ac168414');
    expect(db?.pkg('podman')?.conffiles.has('/etc/cni/net.d/87-podman-bridge.conflist')).toBe(true);
    expect(db?.pkg('cri-o-leftover')?.installed).toBe(false);
  });

  it('keys Multi-Arch: same packages as name:arch, skips obsolete conffiles, reads every unpacked state', () => {
    const pkgs = parseDpkgStatus(
      [
        'Package: libfoo\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nConffiles:\n /etc/foo.conf 11111111111111111111111111111111\n /etc/old.conf 22222222222222222222222222222222 obsolete',
        'Package: half\nStatus: install reinstreq half-configured\nArchitecture: all',
        'Package: gone\nStatus: purge ok not-installed\nArchitecture: all',
      ].join('\n\n'),
    );
    expect(pkgs.get('libfoo:amd64')?.conffiles).toEqual(new Map([['/etc/foo.conf', '11111111111111111111111111111111']]));
    expect(pkgs.get('half')?.installed).toBe(true);
    expect(pkgs.get('gone')?.installed).toBe(false);
  });

  it('reads md5sums lines into absolute paths', () => {
    expect(parseMd5sums('0123456789abcdef0123456789abcdef  lib/systemd/system/x.service\nbad line\n')).toEqual(
      new Map([['/lib/systemd/system/x.service', '0123456789abcdef0123456789abcdef']]),
    );
  });
});

describe('dpkg lists', () => {
  const asked = new Set(['/etc/containerd', '/etc/cni', '/etc/cni/net.d/87-podman-bridge.conflist', '/lib/systemd/system/containerd.service', '/usr/lib/systemd/system/containerd.service', '/etc/cni/net.d/10-calico.conflist', '/etc', '/usr/lib/cni/bridge']);

  it('finds the owners of exactly the asked paths, in one pass over the lists', async () => {
    const owners = await dpkgOwners(db!, asked);
    expect(owners.get('/etc/containerd')).toEqual(['containerd']);
    expect(owners.get('/etc/cni')).toEqual(['podman']);
    expect(owners.get('/lib/systemd/system/containerd.service')).toEqual(['containerd']);
    expect(owners.get('/usr/lib/cni/bridge')).toEqual(['containernetworking-plugins']);
    // dpkg spells it /lib (the caller adds the /usr-merge twin); a calico file is nobody's.
    expect(owners.has('/usr/lib/systemd/system/containerd.service')).toBe(false);
    expect(owners.has('/etc/cni/net.d/10-calico.conflist')).toBe(false);
    expect(owners.get('/etc')?.length).toBeGreaterThan(1);
  });

  it('gives the same answer through grep as in-process', async () => {
    const slow = await dpkgOwners(db!, asked);
    const fast = await dpkgOwnersFast(db!, asked, 10_000);
    const sorted = (m: Map<string, string[]>): Array<[string, string[]]> => [...m].map(([k, v]): [string, string[]] => [k, [...v].sort()]).sort();
    expect(sorted(fast)).toEqual(sorted(slow));
  });

  it('ignores the lists of packages that are not installed, and paths no list line can hold', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kr-dpkg-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'info'));
    writeFileSync(path.join(dir, 'status'), 'Package: a\nStatus: install ok installed\nArchitecture: all\n\nPackage: b\nStatus: deinstall ok config-files\nArchitecture: all\n');
    writeFileSync(path.join(dir, 'info', 'a.list'), '/.\n/etc\n/etc/a\n');
    writeFileSync(path.join(dir, 'info', 'b.list'), '/.\n/etc\n/etc/b\n');
    const small = openDpkgDatabase(path.join(dir, 'status'), path.join(dir, 'info'))!;
    const paths = new Set(['/etc/a', '/etc/b', '/etc/a\n/etc']);
    expect(await dpkgOwners(small, paths)).toEqual(new Map([['/etc/a', ['a']]]));
    expect(await dpkgOwnersFast(small, paths, 10_000)).toEqual(new Map([['/etc/a', ['a']]]));
  });

  it('takes a conffile md5 from status and any other file md5 from <package>.md5sums', () => {
    const cache = new Map<string, Map<string, string>>();
    expect(dpkgExpectedMd5(db!, 'containerd', '/etc/containerd/config.toml', cache)).toEqual({ md5: '773cf1c5a249197a8ef37a08ac168414', conffile: true });
    expect(dpkgExpectedMd5(db!, 'containerd', '/lib/systemd/system/containerd.service', cache)?.conffile).toBe(false);
  });

  it('is absent without a status file', () => {
    expect(openDpkgDatabase('/nonexistent/status', '/nonexistent/info')).toBeUndefined();
  });
});

describe('rpm -qf output', () => {
  it('maps package lines to the owned arguments in order and not-owned messages to their paths', () => {
    const out = 'containerd.io\nfile /etc/cni/net.d/10-calico.conflist is not owned by any package\npodman\n';
    const owners = parseRpmQf(['/usr/bin/containerd', '/etc/cni/net.d/10-calico.conflist', '/etc/cni/net.d/87-podman-bridge.conflist'], out);
    expect(owners).toEqual(
      new Map([
        ['/usr/bin/containerd', ['containerd.io']],
        ['/etc/cni/net.d/87-podman-bridge.conflist', ['podman']],
      ]),
    );
  });
});
