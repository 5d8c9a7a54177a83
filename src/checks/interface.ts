import { interfaceKind, type InterfaceFixVars } from './interface.meta.js';
import type { LinkInfo } from '../parsers/ip-link.js';
import { interfaceProbe } from '../probes/interfaces.js';
import type { CheckDefinition } from './check.js';
import { globMatcher, nameMatcher } from './check.js';

export const interfaceCheck: CheckDefinition<'interface', LinkInfo[], InterfaceFixVars> = {
  ...interfaceKind,
  probe: interfaceProbe,
  match(check, links) {
    const name = check.names || check.nameRegex || check.nameRegexExclude ? nameMatcher(check.names, check.nameRegex, check.nameRegexExclude) : () => true;
    const kind = globMatcher(check.linkKinds);
    const findings = links
      .filter((l) => name(l.name) && (!kind || kind(l.kind ?? '')) && (!check.master || l.master === check.master))
      .map((l) => ({
        target: l.name,
        evidence: [l.kind ?? 'link', l.operstate, l.master ? `master ${l.master}` : ''].filter(Boolean).join(', '),
        // targetHex: the name's real bytes when it is not valid UTF-8 (target then has \xHH escapes).
        vars: { target: l.name, linkKind: l.kind ?? '', ...(l.nameHex === undefined ? {} : { targetHex: l.nameHex }) },
      }));
    return { findings };
  },
};
