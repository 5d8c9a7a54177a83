// Fix commands are text for a person; every value from the host is one inert shell word. Checked by asking a
// real shell to split the rendered command back into words.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { quoteWord, renderFix, renderFixTemplate } from '../../src/fix/template.js';

/** What bash would pass to the command: each argument on its own NUL-terminated record. */
function shellWords(command: string): string[] {
  const out = execFileSync('bash', ['-c', `set -f; printf '%s\\0' ${command}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const NASTY = ['/var/lib/a b', "it's", '$(touch /tmp/pwned)', '`id`', 'line\nbreak', '-rf', '/x/*', 'semi;colon', 'a"b', '\\back', 'tab\there', ''];

describe('fix templates', () => {
  it.each(NASTY.filter((t) => t !== ''))('keeps %j one literal word', (target) => {
    const [cmd] = renderFixTemplate('rm -rf -- {{target}}', { target });
    expect(shellWords(cmd ?? '')).toEqual(['rm', '-rf', '--', target]);
  });

  it('expands a list variable into several words', () => {
    const [cmd] = renderFixTemplate('rm -rf -- {{paths}}', { paths: ['/etc/a b', '/run/c'] });
    expect(shellWords(cmd ?? '')).toEqual(['rm', '-rf', '--', '/etc/a b', '/run/c']);
  });

  it('emits one command per item with {{name[]}}', () => {
    const cmds = renderFix(['{{iptables}} -t {{table}} -D {{jumps[]}}'], {
      iptables: 'iptables-nft',
      table: 'nat',
      jumps: [
        ['PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
        ['OUTPUT', '-j', 'KUBE-SERVICES'],
      ],
    });
    expect(cmds).toHaveLength(2);
    expect(shellWords(cmds[0] ?? '')).toEqual(['iptables-nft', '-t', 'nat', '-D', 'PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES']);
  });

  it('drops a command whose value is missing instead of printing a broken one', () => {
    expect(renderFix(['kill {{pids}}', 'echo done'], { pids: [] })).toEqual(['echo done']);
  });
});

describe('quoteWord fast path', () => {
  it('gives exactly what shell-quote gives', async () => {
    const shellQuote = (await import('shell-quote')).default;
    const words = ['kubelet.service', '/var/lib/kubelet', 'KUBE-SVC-ABCDEF0123456789', '-A', 'cali-fw-cali1234567890a', 'a=b', '50%', 'x+y', '10.0.0.1/32', '', ' ', 'a b', "it's", 'a:b', 'C:x', 'a,b', 'a@b', '$(x)', '`x`', 'a!b', 'a"b', 'a\\b', 'é', '-rf', '--', '~', '*', '[x]', '{a,b}', 'a#b', 'tab\there', 'new\nline'];
    for (let c = 0; c < 128; c++) {
      const ch = String.fromCharCode(c);
      words.push(ch, `a${ch}b`, `${ch}${ch}`, `A:${ch}`);
    }
    for (const w of words) expect(quoteWord(w), JSON.stringify(w)).toBe(shellQuote.quote([w]));
  });
});
