// Every check kind has a planner (tsc enforces it through the registry's `satisfies`; this guards the runtime
// list too), and a finding whose values do not have its kind's shape is refused with the reason, not guessed at.
import { describe, expect, it } from 'vitest';
import { planFix } from '../../src/fix/plan.js';
import { PLANNERS } from '../../src/fix/planners/index.js';
import { readValues } from '../../src/fix/values.js';
import { CHECK_KINDS } from '../../src/model/rule.js';
import { fromFindings, makeResult } from './helpers.js';

describe('planner registry', () => {
  it('has one planner per check kind', () => {
    expect(Object.keys(PLANNERS).sort()).toEqual([...CHECK_KINDS].sort());
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
