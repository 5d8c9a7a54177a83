// The `interface` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./interface.ts.
import { schemaRef, type KindMeta } from './kind.js';

export interface InterfaceCheck {
  kind: 'interface';
  names?: string[];
  /** A regex (RE2 syntax) over the name; a name matching `names` or `nameRegex` counts. */
  nameRegex?: string;
  /** Names this regex matches never count (RE2 has no lookahead: "KUBE- but not KUBE-SRC-"). */
  nameRegexExclude?: string;
  /** Link kinds as `ip -d link` reports them: bridge, vxlan, veth, ipip, dummy, wireguard, geneve... */
  linkKinds?: string[];
  /** Only links enslaved to this master (e.g. veths of cni0). */
  master?: string;
}

export type InterfaceFixVars = { target: string; linkKind: string; targetHex?: string };

export const interfaceKind: KindMeta<'interface', InterfaceCheck, InterfaceFixVars> = {
  kind: 'interface',
  doc: { fields: '`names`, `nameRegex`, `nameRegexExclude`, `linkKinds` (bridge, vxlan, veth, ipip, dummy, wireguard...), `master`', findingPer: 'link, DOWN ones included' },
  params: { names: 'optional', nameRegex: 'optional', nameRegexExclude: 'optional', linkKinds: 'optional', master: 'optional' },
  schema: {
    properties: {
      names: schemaRef.globList,
      nameRegex: schemaRef.regex,
      nameRegexExclude: schemaRef.regex,
      linkKinds: schemaRef.globList,
      master: schemaRef.nonEmpty,
    },
    minProperties: 2,
  },
  regexFields: ['nameRegex', 'nameRegexExclude'],
  fixVars: {
    target: 'the link name (one that is not valid UTF-8 with `\\xHH` for each raw byte)',
    linkKind: 'the link kind (`ip -d link`), empty for a plain device',
    targetHex: 'the name\u2019s real bytes in hex (only when it is not valid UTF-8)',
  },
  sarifPrecision: 'high',
  startOrder: 3,
};
