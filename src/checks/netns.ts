import { netnsKind, type NetnsFixVars } from './netns.meta.js';
import { netnsProbe, type NamedNetns } from '../probes/netns.js';
import type { CheckDefinition } from './check.js';
import { nameMatcher } from './check.js';

export const netnsCheck: CheckDefinition<'netns', NamedNetns[], NetnsFixVars> = {
  ...netnsKind,
  probe: netnsProbe,
  match(check, namespaces) {
    const matches = nameMatcher(check.names, undefined);
    const findings = namespaces
      .filter((n) => matches(n.name))
      .map((n) => ({
        target: n.name,
        evidence: n.mounted ? `live network namespace (nsfs mount at ${n.hostPath})` : `stale file ${n.hostPath} (namespace no longer mounted)`,
        vars: { target: n.name },
      }));
    return { findings };
  },
};
