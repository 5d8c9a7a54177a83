// Every check kind has a planner (tsc enforces it through the registry's `satisfies`; this guards the runtime
// list too), and a finding whose values do not have its kind's shape is refused with the reason, not guessed at.
import { describe, expect, it } from 'vitest';
import { planFix } from '../../src/fix/plan.js';
import { KIND_FIXES, readValues } from '../../src/fix/planners/index.js';
import { CHECK_KINDS } from '../../src/checks/kinds.js';
import { fromFindings, makeResult } from './helpers.js';

describe('planner registry', () => {
  it('has one planner per check kind', () => {
    expect(Object.keys(KIND_FIXES).sort()).toEqual([...CHECK_KINDS].sort());
  });

  it('reads typed values per kind and names the value of the wrong shape', () => {
    expect(readValues('process', { target: 'kubelet[7]', vars: { pid: '7', comm: 'kubelet', pidNamespace: 'host' } })).toEqual({ ok: true, values: { target: 'kubelet[7]', pid: '7', comm: 'kubelet', pidNamespace: 'host' } });
    expect(readValues('process', { target: 'x', vars: { pid: ['7', '8'] } })).toEqual({ ok: false, problem: 'value "pid" is not a single word' });
    expect(readValues('iptables', { target: 'x', vars: { jumps: ['INPUT'] } })).toEqual({ ok: false, problem: 'value "jumps" is not a list of word lists' });
    expect(readValues('path', { target: '/a\\xff', vars: { target: '/a\\xff', targetHex: '2f62ff' } })).toMatchObject({ ok: false, problem: expect.stringMatching(/targetHex.*the bytes of "\/a\\\\xff"/) });
    const plan = planFix(makeResult([{ id: 'p', kind: 'process', findings: [{ target: 'x', vars: { pid: ['7'], comm: 'kubelet' } }] }]), fromFindings);
    expect(plan.steps).toEqual([]);
    expect(plan.refused.map((r) => r.reason)).toEqual(["the finding's values do not have the shape of a process finding: value \"pid\" is not a single word"]);
  });
});

describe('what the plan does comes from the rule, not from displayed text', () => {
  const hex = Buffer.concat([Buffer.from('/var/lib/etcd-bad'), Buffer.from([0xff, 0xfe])]).toString('hex');
  const target = '/var/lib/etcd-bad\\xff\\xfe';
  // The finding's displayed command says something else entirely: the plan never reads it.
  const result = makeResult([{ id: 'p', kind: 'path', findings: [{ target, vars: { target, targetHex: hex }, evidence: 'directory, not empty', fix: ['chmod 4755 /bin/bash'] }] }]);

  it('plans the template with the finding’s values, the byte-named path by its bytes', () => {
    const plan = planFix(result, () => ['rm -rf -- {{target}}']);
    expect(plan.refused).toEqual([]);
    expect(plan.manual).toEqual([]);
    expect(plan.steps.flatMap((s) => s.blocks)).toEqual([{ type: 'call', fn: 'kr_rm', args: ['-rf', 'd', { hex }, expect.objectContaining({ hex: expect.any(String) }), target.replace(/\\/g, '\\\\')] }]);
    expect(JSON.stringify(plan)).not.toContain('chmod');
  });

  it('refuses a finding whose rule is not loaded, and a word below a byte-named target it cannot address', () => {
    expect(planFix(result, () => undefined).refused.map((r) => r.reason)).toEqual(['rule p is not among the rules loaded, so no command is derived for it']);
    // The template's own text joined to a byte-named value keeps its bytes...
    const joined = planFix(result, () => ['rm -f -- {{target}}/member']);
    const [rm] = joined.steps.flatMap((s) => s.blocks);
    expect(rm?.type === 'call' && rm.args.slice(0, 3)).toEqual(['-f', '?', { hex: `${hex}${Buffer.from('/member').toString('hex')}` }]);
    // ...but a value that is only the \xHH spelling of something below it names no object for sure: refused.
    const removable = makeResult([{ id: 'p', kind: 'path', findings: [{ target, vars: { target, targetHex: hex, removable: [`${target}/member`] }, evidence: 'directory, not empty' }] }]);
    const below = planFix(removable, () => ['rm -rf -- {{removable}}']);
    expect(below.steps).toEqual([]);
    expect(below.refused.map((r) => r.reason)).toEqual([expect.stringMatching(/below a name that is not valid UTF-8/)]);
  });
});
