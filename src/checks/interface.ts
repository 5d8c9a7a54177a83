import type { LinkInfo } from '../parsers/ip-link.js';
import { interfaceProbe } from '../probes/interfaces.js';
import type { CheckDefinition } from './check.js';
import { globMatcher, nameMatcher } from './check.js';

export type InterfaceFixVars = { target: string; linkKind: string; targetHex?: string };

export const interfaceCheck: CheckDefinition<'interface', LinkInfo[], InterfaceFixVars> = {
  kind: 'interface',
  doc: { fields: '`names`, `nameRegex`, `nameRegexExclude`, `linkKinds` (bridge, vxlan, veth, ipip, dummy, wireguard...), `master`', findingPer: 'link, DOWN ones included' },
  params: { names: 'optional', nameRegex: 'optional', nameRegexExclude: 'optional', linkKinds: 'optional', master: 'optional' },
  regexFields: ['nameRegex', 'nameRegexExclude'],
  fixVars: {
    target: 'the link name (one that is not valid UTF-8 with `\\xHH` for each raw byte)',
    linkKind: 'the link kind (`ip -d link`), empty for a plain device',
    targetHex: 'the name\u2019s real bytes in hex (only when it is not valid UTF-8)',
  },
  sarifPrecision: 'high',
  startOrder: 3,
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
