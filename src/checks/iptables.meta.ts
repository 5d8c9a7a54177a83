// The `iptables` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./iptables.ts.
import { IPTABLES_TABLES, type IpFamily, type IptablesBackend, type IptablesTable } from '../model/rule.js';
import { schemaRef, type KindMeta } from './kind.js';

export interface IptablesCheck {
  kind: 'iptables';
  /** Chain-name globs. Without rule* fields each matching user chain is one finding. */
  chains?: string[];
  chainRegex?: string;
  /** Chains this regex matches never count. */
  chainRegexExclude?: string;
  tables?: IptablesTable[];
  families?: IpFamily[];
  backends?: IptablesBackend[];
  /** Rule-level matching: a regex over the `--comment` text, the jump target, or the whole rule spec. */
  ruleComment?: string;
  ruleTarget?: string[];
  ruleMatch?: string;
  /** Rules whose spec this regex matches never count. */
  ruleMatchExclude?: string;
  /**
   * CNI networks of other engines (Podman's `podman`): a chain whose rules or incoming jumps name only these
   * networks (the reference plugins comment `name: "<net>" id: "<container>"`) never counts; a shared chain
   * naming none (CNI-HOSTPORT-MASQ) counts only beside chains of another network and none of these.
   */
  excludeCniNetworks?: string[];
}

/**
 * Chain findings carry `jumps` (each rule that jumps into the chain, as `CHAIN args...`, for `{{jumps[]}}`);
 * rule findings carry `rule` (the rule's words after -A, for -D).
 */
export type IptablesFixVars = { target: string; iptables: string; family: string; backend: string; table: string; chain: string; jumps?: string[][]; rule?: string[]; rawBytes?: string };

export const iptablesKind: KindMeta<'iptables', IptablesCheck, IptablesFixVars> = {
  kind: 'iptables',
  doc: {
    fields: '`chains`, `chainRegex`, `chainRegexExclude`, `tables`, `families`, `backends` (nft and legacy, reported separately), `excludeCniNetworks`; rule level: `ruleComment`, `ruleTarget`, `ruleMatch`, `ruleMatchExclude`',
    findingPer: 'chain `<family>/<backend>/<table>/<chain>` or rule',
  },
  params: {
    chains: 'optional',
    chainRegex: 'optional',
    chainRegexExclude: 'optional',
    tables: 'optional',
    families: 'optional',
    backends: 'optional',
    ruleComment: 'optional',
    ruleTarget: 'optional',
    ruleMatch: 'optional',
    ruleMatchExclude: 'optional',
    excludeCniNetworks: 'optional',
  },
  schema: {
    properties: {
      chains: schemaRef.globList,
      chainRegex: schemaRef.regex,
      chainRegexExclude: schemaRef.regex,
      tables: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...IPTABLES_TABLES] } },
      families: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['ipv4', 'ipv6'] } },
      backends: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['nft', 'legacy'] } },
      ruleComment: schemaRef.regex,
      ruleTarget: schemaRef.globList,
      ruleMatch: schemaRef.regex,
      ruleMatchExclude: schemaRef.regex,
      excludeCniNetworks: {
        type: 'array',
        minItems: 1,
        items: { type: 'string', minLength: 1 },
        description: 'Chains whose rules (or the jumps into them) name only these CNI networks (name: "<net>" comments of the reference plugins) belong to another engine and never count; chains naming no network count only beside chains of a counted network and none of these.',
      },
    },
    minProperties: 2,
  },
  regexFields: ['chainRegex', 'chainRegexExclude', 'ruleComment', 'ruleMatch', 'ruleMatchExclude'],
  fixVars: {
    target: '`<family>/<backend>/<table>/<chain>`',
    iptables: "the backend's command (e.g. `ip6tables-legacy`)",
    family: '`ipv4` or `ipv6`',
    backend: '`nft` or `legacy`',
    table: 'the table',
    chain: 'the chain',
    jumps: 'chain findings: every rule jumping into the chain, as `CHAIN args...` (use `{{jumps[]}}`)',
    rule: "rule findings: the rule's words after `-A`",
    rawBytes: '`yes` when a name is not valid UTF-8 (shown with `\\xHH`); the fix plan refuses such a finding',
  },
  sarifPrecision: 'high',
  startOrder: 0,
};
