import { describe, expect, it } from 'vitest';
import { fileContentCheck, sedLiteral } from '../../src/checks/file-content.js';
import type { FileContentFacts } from '../../src/probes/file-content.js';
import { match } from './facts.js';

const HOSTS = ['127.0.0.1 localhost', '# kubekey hosts BEGIN', '10.0.0.1 node1', '10.0.0.2 node2', '# kubekey hosts END', '::1 localhost', ''].join('\n');

const facts = (files: Record<string, string | { problem: string }>): FileContentFacts =>
  new Map(
    Object.entries(files).map(([hostPath, content]) => [
      hostPath,
      [typeof content === 'string' ? { hostPath, text: content } : { hostPath, problem: content.problem }],
    ]),
  );

describe('file-content check', () => {
  it('a marker block: its lines, the exact text seen (what the fix plan removes), and the rule\u2019s sed program', () => {
    const out = match(fileContentCheck, { paths: ['/etc/hosts'], marker: { begin: '# kubekey hosts BEGIN', end: '# kubekey hosts END' } }, facts({ '/etc/hosts': HOSTS }));
    expect(out.findings).toEqual([
      {
        target: '/etc/hosts',
        evidence: 'block "# kubekey hosts BEGIN" at line 2-5',
        vars: {
          target: '/etc/hosts',
          sedDelete: '/# kubekey hosts BEGIN/,/# kubekey hosts END/d',
          lines: ['# kubekey hosts BEGIN\n10.0.0.1 node1\n10.0.0.2 node2\n# kubekey hosts END'],
        },
      },
    ]);
  });

  it('a block without its end marker is reported but not recorded as text to remove', () => {
    const open = '127.0.0.1 localhost\n# kubekey hosts BEGIN\n10.0.0.1 node1\n192.168.1.5 user-line\n';
    const out = match(fileContentCheck, { paths: ['/etc/hosts'], marker: { begin: '# kubekey hosts BEGIN', end: '# kubekey hosts END' } }, facts({ '/etc/hosts': open }));
    expect(out.findings[0]?.evidence).toBe('block "# kubekey hosts BEGIN" at line 2-4 (no end marker)');
    expect(out.findings[0]?.vars.lines).toEqual([]);
  });

  it('a regex: the lines it matches (multiline mode)', () => {
    const out = match(fileContentCheck, { paths: ['/etc/hosts'], regex: '^10\\.0\\.0\\.[0-9]+ node' }, facts({ '/etc/hosts': HOSTS }));
    expect(out.findings[0]?.evidence).toBe('matches /^10\\.0\\.0\\.[0-9]+ node/ at lines 3, 4');
    expect(out.findings[0]?.vars.sedDelete).toBe('3d;4d');
    expect(out.findings[0]?.vars.lines).toEqual(['10.0.0.1 node1', '10.0.0.2 node2']);
  });

  it('no match, no finding', () => {
    expect(match(fileContentCheck, { paths: ['/etc/hosts'], regex: 'kube-apiserver' }, facts({ '/etc/hosts': HOSTS })).findings).toEqual([]);
  });

  it('a file that exists but could not be read makes the rule partial', () => {
    const out = match(fileContentCheck, { paths: ['/etc/hosts'], regex: 'x' }, facts({ '/etc/hosts': { problem: 'cannot read: EACCES' } }));
    expect(out).toEqual({ findings: [], partial: '/etc/hosts: cannot read: EACCES' });
  });

  it('sed delimiters and metacharacters in a marker are escaped', () => {
    expect(sedLiteral('# a/b [x]*.$^\\')).toBe('# a\\/b \\[x\\]\\*\\.\\$\\^\\\\');
  });
});
