import { mountKind, type MountFixVars } from './mount.meta.js';
import type { MountEntry } from '../parsers/mountinfo.js';
import { mountProbe } from '../probes/mounts.js';
import type { CheckDefinition, RawFinding } from './check.js';
import { globMatcher } from './check.js';

export const mountCheck: CheckDefinition<'mount', MountEntry[], MountFixVars> = {
  ...mountKind,
  probe: mountProbe,
  match(check, mounts) {
    const point = globMatcher(check.mountPoints);
    const fstype = globMatcher(check.fstypes);
    const source = globMatcher(check.sources);
    const findings = new Map<string, RawFinding<MountFixVars>>();
    for (const m of mounts) {
      if (point && !point(m.mountPoint)) continue;
      if (fstype && !fstype(m.fstype)) continue;
      if (source && !source(m.source)) continue;
      // Stacked mounts on one point are one leftover; the last (topmost) one describes it.
      findings.set(m.mountPoint, {
        target: m.mountPoint,
        evidence: `${m.fstype} mount from ${m.source}`,
        vars: { target: m.mountPoint, fstype: m.fstype, source: m.source },
      });
    }
    return { findings: [...findings.values()] };
  },
};
