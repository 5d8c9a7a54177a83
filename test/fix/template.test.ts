// Fix commands are text for a person; every value from the host is one inert shell word. Checked by asking a
// real shell to split the rendered command back into words.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { planCommands, quoteWord, renderFix, renderFixTemplate, templateProblem } from '../../src/fix/template.js';

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

describe('displayed commands are pasteable in any POSIX shell', () => {
  /** What dash passes to the command for `command`. */
  const dashWords = (command: string): Buffer[] => {
    const out = execFileSync('dash', ['-c', `set -f; for a in ${command}; do printf '%s' "$a" | od -An -v -tx1 | tr -d ' \\n'; echo; done`]);
    return out.toString('utf8').split('\n').slice(0, -1).map((h) => Buffer.from(h, 'hex'));
  };

  it.each(['a\u001b[31mb', 'bidi\u202eexe', 'new\nline', '-\u001bx', "q'%\\\u0007", 'caf\u00e9\u200b'])('spells %j as its exact bytes with printf, no raw control character', (value) => {
    const [cmd] = renderFixTemplate('rm -f -- {{target}}', { target: value });
    expect(cmd).toMatch(/^rm -f -- "\$\(printf '[^']*'\)"$/);
    expect(cmd).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e]/);
    expect(dashWords(cmd ?? '').map((b) => b.toString('utf8'))).toEqual(['rm', '-f', '--', value]);
  });

  it('spells a byte-named target by its real bytes, and a name ending in a newline as a comment', () => {
    const hex = Buffer.concat([Buffer.from('/var/lib/etcd-bad'), Buffer.from([0xff, 0xfe])]).toString('hex');
    const [cmd] = renderFixTemplate('rm -rf -- {{target}}', { target: '/var/lib/etcd-bad\\xff\\xfe', targetHex: hex });
    expect(cmd).toBe(`rm -rf -- "$(printf '/var/lib/etcd-bad\\377\\376')"`);
    expect(dashWords(cmd ?? '')[3]?.toString('hex')).toBe(hex);
    const [nl] = renderFixTemplate('rm -rf -- {{target}}', { target: '/var/lib/x\n' });
    expect(nl).toMatch(/^# not a command to paste \(a value ends in a newline[^)]*\): rm -rf -- \/var\/lib\/x\\n$/);
    // An iptables name known only by its \xHH spelling: never a command that names another chain.
    const chain = renderFix(['{{iptables}} -t {{table}} -X {{chain}}'], { iptables: 'iptables-nft', table: 'nat', chain: 'KUBE-\\xff', rawBytes: 'yes' });
    expect(chain).toEqual([expect.stringMatching(/^# not a command to paste \(a name in it is not valid UTF-8/)]);
  });

  it('renders the plain (older) form on request', () => {
    expect(renderFixTemplate('rm -f -- {{target}}', { target: 'a\u001bb' }, 'plain')).toEqual([`rm -f -- ${quoteWord('a\u001bb')}`]);
  });
});

describe('planned commands come from the template and the values', () => {
  it('reads the template once into words and puts the values in, bytes and all', () => {
    const hex = Buffer.from([0x6b, 0x72, 0xff]).toString('hex');
    const [c] = planCommands(['ip link delete {{target}}'], { target: 'kr\\xff', targetHex: hex });
    expect(c).toEqual({ ok: true, words: [{ text: 'ip' }, { text: 'link' }, { text: 'delete' }, { text: 'kr\\xff', hex }], display: `ip link delete "$(printf 'kr\\377')"` });
  });

  it('splits a list inside a word at its items, as a shell reads the displayed text', () => {
    const [c] = planCommands(['echo --x={{paths}}.d'], { paths: ['a b', 'c'] });
    expect(c?.ok && c.words.map((w) => w.text)).toEqual(['echo', '--x=a b', 'c.d']);
    expect(shellWords(c?.display ?? '')).toEqual(['echo', '--x=a b', 'c.d']);
  });

  it('gives one command per item of {{name[]}} and none for a missing value', () => {
    const cmds = planCommands(['{{iptables}} -t nat -D {{jumps[]}}', 'kill {{pids}}'], { iptables: 'iptables', jumps: [['A', '-j', 'B'], ['C', '-j', 'B']], pids: [] });
    expect(cmds.map((c) => (c.ok ? c.words.map((w) => w.text) : c.problem))).toEqual([
      ['iptables', '-t', 'nat', '-D', 'A', '-j', 'B'],
      ['iptables', '-t', 'nat', '-D', 'C', '-j', 'B'],
    ]);
  });

  it('leaves a template with shell syntax to a person, with its displayed text', () => {
    const [c] = planCommands(['kubectl get {{name}} -o name | xargs echo'], { name: 'ns' });
    expect(c).toEqual({ ok: false, problem: 'uses shell syntax (|)', display: 'kubectl get ns -o name | xargs echo' });
  });

  it('rejects a variable inside quotes and an invisible character in a template', () => {
    expect(templateProblem(`rm -f -- '{{target}}'`)).toMatch(/inside quotes/);
    expect(templateProblem(`echo "x {{target}}"`)).toMatch(/inside quotes/);
    expect(templateProblem('rm -f -- {{target}}\u001b')).toMatch(/invisible/);
    expect(templateProblem(`kubectl patch {{object}} -p '{"a":null}'`)).toBeUndefined();
    expect(templateProblem(`find {{target}} -exec rmdir {} \\;`)).toBeUndefined();
  });
});
