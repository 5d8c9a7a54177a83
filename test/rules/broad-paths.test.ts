// Path rules whose globs reach system trees are rejected when loaded: `rules validate` and a scan with
// --rules give the same verdict (exit 2, the rule and the reason), before anything is scanned.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { broadPathProblem } from '../../src/rules/broad-paths.js';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'kr-broad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TOO_BROAD = ['/**', '/*', '/', '/etc', '/etc/*', '/etc/pam.d/*', '/etc/**/*.conf', '/usr/bin/*', '/usr/**', '/e*/pam.d/*', '/home/*', '/home/**/.ssh', '/boot/**', '/var/lib/*', '/root/**', '/run/*', '/var/run/*', '/usr/lib/systemd/system/*.service', '/etc/systemd/system/*'];
const FINE = ['/etc/hosts', '/etc/kubernetes', '/etc/kubernetes/**', '/var/lib/kubelet', '/var/lib/kubelet/pods/*', '/home/*/.kube', '/root/.kube', '/etc/systemd/system/kubelet.service.d', '/usr/local/bin/k3s*', '/run/calico', '/var/run/calico', '/etc/default/k3s*', '/opt/cni/bin/*'];

function ruleFile(name: string, paths: string[]): string {
  const file = path.join(tmp, `${name}.yaml`);
  const rules = paths.map(
    (p, i) => `  - id: user-${name}-${i}
    title: t
    severity: low
    description: d
    tags: []
    profiles: [post-reset]
    check: { kind: path, paths: [${JSON.stringify(p)}] }
    fix: { commands: ['rm -rf -- {{target}}'] }
    rebootClears: false
    references: []`,
  );
  writeFileSync(file, `pack: user\nrules:\n${rules.join('\n')}\n`);
  return file;
}

describe('over-broad path globs', () => {
  it.each(TOO_BROAD)('%s is too broad', (g) => {
    expect(broadPathProblem(g)).toBeDefined();
  });
  it.each(FINE)('%s is fine', (g) => {
    expect(broadPathProblem(g)).toBeUndefined();
  });

  it('are rejected alike by rules validate and by a scan (exit 2), naming rule and reason', () => {
    const file = ruleFile('broad', ['/**', '/etc/pam.d/*']);
    const validate = runCli(['rules', 'validate', file]);
    const scan = runCli(['scan', '--no-builtin', '--rules', file, '--root', tmp]);
    for (const r of [validate, scan]) {
      expect(r.status, r.stderr + r.stdout).toBe(2);
      expect(r.stdout + r.stderr).toMatch(/user-broad-0 field check\.paths\[0\]: too broad: \/\*\* has a wildcard directly below \//);
      expect(r.stdout + r.stderr).toMatch(/user-broad-1 field check\.paths\[0\]: too broad: \/etc\/pam\.d\/\* can match \/etc\/pam\.d\/common-auth/);
    }
    expect(runCli(['rules', 'validate', ruleFile('fine', FINE)]).status).toBe(0);
  });
});
