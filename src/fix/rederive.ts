// `fix --from report.json`: a report is data from elsewhere, so nothing in it is taken as a command. Every
// finding's fix commands are derived again from the rule it names (the built-in packs, or the --rules files)
// and the finding's typed values; the values must be ones the rule can have produced (a path its globs match,
// a unit it names, a process name it looks for, jumps into the chain found...). A report whose rule is unknown,
// whose values do not fit, or whose commands differ from what the rule gives is refused as a whole (exit 2):
// a plan from half a report would be worse than none.
import { globsMatcher } from '../glob.js';
import type { Finding, RuleResult, ScanResult } from '../model/result.js';
import type { CheckKind, CheckOf, Rule } from '../model/rule.js';
import { renderFix } from './template.js';
import { compileRuleRegex } from '../rule-regex.js';
import { parseCommand } from './rule-commands.js';
import { displayText } from './shell-text.js';
import { readValues, type FixValues } from './values.js';

export class ReportMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportMismatch';
  }
}

type Fit<K extends CheckKind> = (check: CheckOf<K>, v: FixValues<K>) => string | undefined;

const matches = (globs: readonly string[] | undefined, value: string): boolean => !globs || globs.length === 0 || globsMatcher(globs)(value);
// Rule regexes are RE2 (src/rule-regex.ts), matched as the checks match them.
const regexMatches = (regex: string | undefined, value: string): boolean => regex === undefined || compileRuleRegex(regex).test(value);
const nameFits = (globs: readonly string[] | undefined, regex: string | undefined, value: string): boolean =>
  (!globs && regex === undefined) || (globs !== undefined && globs.length > 0 && globsMatcher(globs)(value)) || (regex !== undefined && compileRuleRegex(regex).test(value));

/** `/var/run/x` and `/run/x` are the same place (the probes read both spellings). */
function runSpellings(p: string): string[] {
  if (p.startsWith('/var/run/')) return [p, p.slice(4)];
  if (p.startsWith('/run/')) return [p, `/var${p}`];
  return [p];
}

function pathFits(globs: readonly string[], p: string): boolean {
  const m = globsMatcher(globs.flatMap(runSpellings));
  return runSpellings(p).some((x) => m(x));
}

/** `u` is `p` or below it. */
const within = (u: string, p: string): boolean => u === p || u.startsWith(`${p}/`);

/** The chain a rule jumps (-j) or goes (-g) to. */
function jumpTarget(words: readonly string[]): string | undefined {
  for (let i = words.length - 2; i >= 0; i--) if (words[i] === '-j' || words[i] === '-g' || words[i] === '--jump' || words[i] === '--goto') return words[i + 1];
  return undefined;
}

function commentOf(words: readonly string[]): string | undefined {
  const i = words.indexOf('--comment');
  return i >= 0 ? words[i + 1] : undefined;
}

const UNIT_DIR = /^(\/etc|\/run|\/usr\/lib|\/lib|\/usr\/local\/lib)\/systemd\/(system|transient|system\.control|generator(\.late|\.early)?)(\/[^/]+\.(wants|requires|upholds))?\/[^/]+$/;

/** Why values cannot have come from this rule's check, per kind; a kind without one fails `tsc`. */
const FITS = {
  path: (c, v) => {
    if (!pathFits(c.paths, v.target) || (c.exclude && pathFits(c.exclude, v.target))) return `${v.target} is not a path the rule looks for`;
    const outside = (v.removable ?? []).find((u) => !within(u, v.target));
    return outside === undefined ? undefined : `${outside} (removable) is not within ${v.target}`;
  },
  mount: (c, v) => (matches(c.mountPoints, v.target) && (!c.fstypes || c.fstypes.includes(v.fstype)) && matches(c.sources, v.source) ? undefined : `${v.target} (${v.fstype}) is not a mount the rule looks for`),
  cgroup: (c, v) => (globsMatcher(c.names)(v.name) && v.target.startsWith('/sys/fs/cgroup/') && v.target.endsWith(`/${v.name}`) ? undefined : `${v.target} is not a cgroup the rule looks for`),
  interface: (c, v) => (nameFits(c.names, c.nameRegex, v.target) && (!c.linkKinds || c.linkKinds.includes(v.linkKind)) ? undefined : `${v.target} is not an interface the rule looks for`),
  iptables: (c, v) => {
    const family = v.iptables.startsWith('ip6tables') ? 'ipv6' : 'ipv4';
    const backend = v.iptables.endsWith('-legacy') ? 'legacy' : 'nft';
    if ((c.families && !c.families.includes(family)) || (c.backends && !c.backends.includes(backend))) return `${v.iptables} is not a backend the rule looks at`;
    if (c.tables && !(c.tables as readonly string[]).includes(v.table)) return `table ${v.table} is not one the rule looks at`;
    const chainMatches = c.chains || c.chainRegex ? (name: string) => nameFits(c.chains, c.chainRegex, name) : () => true;
    if (c.ruleComment || c.ruleTarget || c.ruleMatch) {
      const rule = v.rule;
      if (!rule || rule.length < 2) return 'the rule finding has no rule';
      const [chain = '', ...words] = rule;
      const target = jumpTarget(words);
      const comment = commentOf(words);
      if (!chainMatches(chain)) return `chain ${chain} is not one the rule looks at`;
      if (c.ruleComment && !(comment !== undefined && compileRuleRegex(c.ruleComment).test(comment))) return 'the rule\u2019s comment is not one the rule looks for';
      if (c.ruleTarget && !(target !== undefined && globsMatcher(c.ruleTarget)(target))) return 'the rule\u2019s target is not one the rule looks for';
      if (c.ruleMatch && !compileRuleRegex(c.ruleMatch).test(words.join(' '))) return 'the rule is not one the rule looks for';
      return undefined;
    }
    if (v.rule) return 'a rule where the rule reports chains';
    if (!chainMatches(v.chain)) return `chain ${v.chain} is not one the rule looks for`;
    const bad = (v.jumps ?? []).find((j) => jumpTarget(j.slice(1)) !== v.chain);
    return bad ? `"${bad.join(' ')}" does not jump into ${v.chain}` : undefined;
  },
  nftables: (c, v) => (c.tables.some((t) => t.family === v.family && t.name === v.table) ? undefined : `${v.family} ${v.table} is not a table the rule looks for`),
  ipvs: (c, v) => (matches(c.services, v.target) ? undefined : `${v.target} is not a service the rule looks for`),
  ipset: (c, v) => (nameFits(c.names, c.nameRegex, v.target) ? undefined : `${v.target} is not a set the rule looks for`),
  'systemd-unit': (c, v) => {
    if (!globsMatcher(c.units)(v.target)) return `${v.target} is not a unit the rule looks for`;
    const bad = v.paths.find((p) => !UNIT_DIR.test(p) || !(p.endsWith(`/${v.target}`) || p.endsWith(`/${v.target}.d`)));
    if (bad !== undefined) return `${bad} is not a file or drop-in directory of ${v.target}`;
    const outside = (v.removable ?? []).find((u) => !v.paths.some((p) => within(u, p)));
    return outside === undefined ? undefined : `${outside} (removable) is not within the unit's files`;
  },
  process: (c, v) => (matches(c.comm, v.comm) && v.target === `${v.comm}[${v.pid}]` ? undefined : `${v.target} is not a process the rule looks for`),
  port: (c, v) => (c.ports.map(String).includes(v.port) && (c.protocols ?? ['tcp', 'udp']).includes(v.protocol as 'tcp' | 'udp') ? undefined : `${v.protocol}/${v.port} is not a port the rule looks for`),
  netns: (c, v) => (globsMatcher(c.names)(v.target) ? undefined : `${v.target} is not a namespace the rule looks for`),
  'file-content': (c, v) => {
    if (!pathFits(c.paths, v.target)) return `${v.target} is not a file the rule looks in`;
    for (const block of v.lines ?? []) {
      const lines = block.split('\n');
      if (c.marker && !(lines[0]?.includes(c.marker.begin) && lines[lines.length - 1]?.includes(c.marker.end))) return 'a recorded block is not one between the rule\u2019s markers';
      if (c.regex && !(lines.length === 1 && regexMatches(c.regex, block.replace(/\r$/, '')))) return 'a recorded line does not match the rule\u2019s regex';
    }
    return undefined;
  },
  container: (c, v) => {
    if (v.target.startsWith('image/')) return c.object === 'image' && v.image !== undefined && matches(c.images, v.image) ? undefined : `${v.target} is not an image the rule looks for`;
    if (c.object === 'image') return `${v.target} is not an image`;
    return (c.pods === undefined || v.pod === undefined || matches(c.pods, v.pod) || c.containers !== undefined) && matches(c.podNamespaces, v.podNamespace ?? '')
      ? undefined
      : `${v.target} is not a pod the rule looks for`;
  },
  'kube-resource': (c, v) => (v.resource === c.resource ? undefined : `${v.resource} is not the resource the rule looks for`),
} satisfies { [K in CheckKind]: Fit<K> };

function fitProblem<K extends CheckKind>(kind: K, check: CheckOf<K>, finding: Finding): string | undefined {
  const read = readValues(kind, finding);
  if (!read.ok) return read.problem;
  return (FITS[kind] as Fit<K>)(check, read.values);
}

/** The same command: the same words (quoting may differ between versions), or the same text. */
function sameCommand(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = parseCommand(a);
  const pb = parseCommand(b);
  return pa.ok && pb.ok && pa.words.length === pb.words.length && pa.words.every((w, i) => w === pb.words[i]);
}

function sameCommands(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => sameCommand(x, b[i] ?? ''));
}

/**
 * The report with every finding's commands (and the rule's tags and text) taken from `rules`, or a
 * ReportMismatch listing what does not match.
 */
export function rederive(result: ScanResult, rules: readonly Rule[], ruleSource: string): ScanResult {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const problems: string[] = [];
  const results: RuleResult[] = result.results.map((rr) => {
    const rule = byId.get(rr.ruleId);
    if (!rule) {
      if (rr.status === 'found') problems.push(`rule ${rr.ruleId} is not in ${ruleSource}`);
      return rr;
    }
    if (rule.check.kind !== rr.kind) {
      problems.push(`rule ${rr.ruleId} is a ${rule.check.kind} rule in ${ruleSource}, but the report says ${rr.kind}`);
      return rr;
    }
    const findings = rr.findings.map((f, i) => {
      const where = `rule ${rr.ruleId}, finding ${i + 1} (${displayText(f.target)})`;
      if (f.kind !== rule.check.kind) {
        problems.push(`${where}: a ${f.kind} finding under a ${rule.check.kind} rule`);
        return f;
      }
      const misfit = fitProblem(rule.check.kind, rule.check, f);
      if (misfit) {
        problems.push(`${where}: its values do not fit the rule: ${displayText(misfit)}`);
        return f;
      }
      const fix = renderFix(rule.fix.commands, f.vars);
      // A report made before displayed commands spelled bytes and invisible characters with printf shows each
      // value quoted as its text: the same commands, accepted as such.
      const asShown = sameCommands(fix, f.fix) || sameCommands(renderFix(rule.fix.commands, f.vars, 'plain'), f.fix);
      if (!asShown) problems.push(`${where}: its fix commands are not what the rule gives for its values (the report was edited, or made with other rules)`);
      return { ...f, fix };
    });
    return { ...rr, tags: [...rule.tags], rebootClears: rule.rebootClears, findings };
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  ${p}`);
    const more = problems.length > 10 ? [`  ... and ${problems.length - 10} more`] : [];
    throw new ReportMismatch(`the report does not match ${ruleSource}; no plan is written from it:\n${[...shown, ...more].join('\n')}`);
  }
  return { ...result, results };
}
