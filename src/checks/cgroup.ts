import { cgroupKind, type CgroupFixVars } from './cgroup.meta.js';
import { cgroupProbe, type CgroupDir } from '../probes/cgroups.js';
import type { CheckDefinition, RawFinding } from './check.js';
import { nameMatcher } from './check.js';

export const cgroupCheck: CheckDefinition<'cgroup', CgroupDir[], CgroupFixVars> = {
  ...cgroupKind,
  probe: cgroupProbe,
  match(check, dirs) {
    const matches = nameMatcher(check.names, undefined);
    const maxDepth = check.maxDepth ?? 2;
    const hits = dirs.filter((d) => d.depth <= maxDepth && matches(d.name));
    // One finding per tree: a matching cgroup under another matching cgroup is part of the same leftover.
    const tops = hits.filter((d) => !hits.some((o) => o !== d && d.hostPath.startsWith(`${o.hostPath}/`)));
    const findings: RawFinding<CgroupFixVars>[] = tops.map((d) => ({
      target: d.hostPath,
      evidence: `${d.hierarchy === 'v2' ? 'cgroup v2' : `cgroup hierarchy ${d.hierarchy}`}, ${d.children} child cgroup${d.children === 1 ? '' : 's'}`,
      vars: { target: d.hostPath, name: d.name, hierarchy: d.hierarchy },
    }));
    return { findings };
  },
};
