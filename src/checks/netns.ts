import { netnsKind, type NetnsFixVars } from './netns.meta.js';
import { netnsProbe, type NamedNetns } from '../probes/netns.js';
import type { CheckDefinition } from './check.js';
import { nameMatcher } from './check.js';

export const netnsCheck: CheckDefinition<'netns', NamedNetns[], NetnsFixVars> = {
  ...netnsKind,
  probe: netnsProbe,
  match(check, namespaces) {
    const matches = nameMatcher(check.names, undefined);
    const matched = namespaces.filter((n) => matches(n.name));
    // A name that is not valid UTF-8 cannot be given to `ip netns` as itself: said, never acted on by a look-alike.
    const notText = matched.filter((n) => n.notText).map((n) => `${n.hostPath}: the name is not valid UTF-8 (not checked; remove it by hand)`);
    const findings = matched
      .filter((n) => !n.notText)
      .map((n) => ({
        target: n.name,
        evidence: n.mounted ? `live network namespace (nsfs mount at ${n.hostPath})` : `stale file ${n.hostPath} (namespace no longer mounted)`,
        vars: { target: n.name },
      }));
    return notText.length > 0 ? { findings, partial: notText.join('; ') } : { findings };
  },
};
