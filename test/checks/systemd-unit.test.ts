import { describe, expect, it } from 'vitest';
import { systemdUnitCheck } from '../../src/checks/systemd-unit.js';
import type { UnitFacts, UnitFileRef } from '../../src/probes/systemd.js';
import { match, targets } from './facts.js';

const ref = (path: string, role: UnitFileRef['role'], transient = false, dangling?: boolean): UnitFileRef => ({ path, role, transient, dangling });

function facts(stateNote?: string): UnitFacts {
  return {
    units: new Map([
      ['kubelet.service', [ref('/etc/systemd/system/kubelet.service', 'unit'), ref('/etc/systemd/system/kubelet.service.d', 'drop-in'), ref('/etc/systemd/system/multi-user.target.wants/kubelet.service', 'wants-link', false, true)]],
      ['run-k3s-containerd-x.mount', [ref('/run/systemd/transient/run-k3s-containerd-x.mount', 'unit', true)]],
      ['ssh.service', [ref('/lib/systemd/system/ssh.service', 'unit')]],
    ]),
    state: new Map([['kubelet.service', { active: 'inactive', enabled: 'enabled' }]]),
    stateNote,
  };
}

describe('systemd-unit check', () => {
  it('one finding per unit with every file that makes it up, and its state', () => {
    const out = match(systemdUnitCheck, { units: ['kubelet.service'] }, facts());
    expect(out.findings).toEqual([
      {
        target: 'kubelet.service',
        evidence:
          'unit file /etc/systemd/system/kubelet.service; drop-in dir /etc/systemd/system/kubelet.service.d; dangling link /etc/systemd/system/multi-user.target.wants/kubelet.service; inactive, enabled',
        vars: {
          target: 'kubelet.service',
          paths: ['/etc/systemd/system/kubelet.service', '/etc/systemd/system/kubelet.service.d', '/etc/systemd/system/multi-user.target.wants/kubelet.service'],
        },
        // What package conditions (`when`) judge: the unit's content, not its enablement link.
        subjects: ['/etc/systemd/system/kubelet.service', '/etc/systemd/system/kubelet.service.d'],
      },
    ]);
  });

  it('transientOnly keeps transient units only', () => {
    expect(targets(match(systemdUnitCheck, { units: ['*'], transientOnly: true }, facts()))).toEqual(['run-k3s-containerd-x.mount']);
    expect(match(systemdUnitCheck, { units: ['run-*.mount'] }, facts()).findings[0]?.evidence).toBe('transient unit /run/systemd/transient/run-k3s-containerd-x.mount');
  });

  it('unread unit state is a note, not an unchecked rule', () => {
    const out = match(systemdUnitCheck, { units: ['kubelet.service'] }, facts('systemd is not PID 1: unit state not read'));
    expect(out.findings).toHaveLength(1);
    expect(out.partial).toBeUndefined();
    expect(out.note).toBe('systemd is not PID 1: unit state not read');
  });
});
