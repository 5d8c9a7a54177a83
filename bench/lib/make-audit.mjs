#!/usr/bin/env node
// Writes the benchmark's two shell baselines from the built-in rules (dist/builtin-rules.json):
//
//   bench/audit.sh  the reference shell audit: every item a `kube-residue scan` checks (all built-in rules but
//                   the cluster-scope kube-resource ones), one line per item, written the way people write
//                   these scripts (Rancher's clean-up list, kubespray's reset checks): `test -e`,
//                   `ls -d GLOB`, `mount | grep`, `ip link | grep`, `iptables-save | grep`, `pgrep`,
//                   `ss | grep`, `grep FILE`. Like such scripts, each line runs its own pipeline: nothing is
//                   cached between lines.
//   bench/floor.sh  the floor: the same kernel state read exactly once and thrown away — one *-save per
//                   iptables family and backend, one nft/ipset/ip/ss call, one read of mountinfo, /proc
//                   and every directory the rules look into — with no matching at all.
//
// Both are generated so that they cover exactly the rule set the scan runs; they are committed, and
// `npm run bench` regenerates them first so they cannot drift from rules/. Usage: node make-audit.mjs [RULES_JSON]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const rulesFile = process.argv[2] ?? path.join(root, 'dist/builtin-rules.json');
const rules = JSON.parse(readFileSync(rulesFile, 'utf8')).loaded.rules.filter((r) => r.check.kind !== 'kube-resource');

/** A word in single quotes for sh. */
const q = (s) => `'${String(s).replaceAll("'", `'\\''`)}'`;
/** A path for sh, leaving glob characters active (the paths in rules have no spaces or quotes). */
const globWord = (p) => {
  if (!/^[A-Za-z0-9_./*?\[\]{}:@+,=-]+$/.test(p)) throw new Error(`path needs quoting: ${p}`);
  return p;
};
/** A glob (picomatch flavour, as rules use them) as an extended regex body for grep -E. */
function globRe(glob, { slash = true, star = '.*' } = {}) {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
        if (glob[i + 1] === '/') i++;
      } else out += slash ? '[^/]*' : star;
    } else if (c === '?') out += slash ? '[^/]' : '.';
    else if ('.+()|^$\\{}[]'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}
/** A rule's JS regex over a whole name as a PCRE piece followed by a blank: no ^, and $ means "name ends". */
const nameRe = (re) => re.replace(/^\^/, '').replace(/(?<!\\)\$/g, '(?=\\s|$)');
/** A rule's JS regex searched in the rest of a line: anchored ones start there, others anywhere after it. */
const restRe = (re) => (re.startsWith('^') ? re.slice(1) : `.*?(?:${re})`);
const alt = (list) => (list.length === 1 ? list[0] : `(${list.join('|')})`);
const say = (rule, what) => `echo ${q(`RESIDUE ${rule.id}: ${what}`)}`;

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/run/systemd/transient', '/run/systemd/generator', '/run/systemd/generator.late', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
const SAVES = [
  ['ipv4', 'nft', 'iptables-nft-save'],
  ['ipv6', 'nft', 'ip6tables-nft-save'],
  ['ipv4', 'legacy', 'iptables-legacy-save'],
  ['ipv6', 'legacy', 'ip6tables-legacy-save'],
];

const lines = [];
const dirsRead = new Set(); // for the floor: every directory a rule looks into
const emit = (rule, line) => lines.push(line);

/**
 * What a person adds to a path line for the rule's conditions: `dpkg -S` per path for "not from a package" (no
 * directory walk, no conffile md5s), `ls -d` for "contains an entry", any branch of anyOf.
 */
function conditionShell(when, p) {
  const one = (cond) => {
    if (cond.anyOf) return `{ ${cond.anyOf.map(one).join(' || ')}; }`;
    if (cond.notOwnedByPackage) return `! dpkg -S ${globWord(p)} >/dev/null 2>&1`;
    if (cond.containsEntry) return `ls -d ${cond.containsEntry.map((g) => globWord(`${p}/${g}`)).join(' ')} >/dev/null 2>&1`;
    if (cond.presentWithoutPackage) return `{ ${cond.presentWithoutPackage.map((x) => `{ [ -e ${globWord(x)} ] && ! dpkg -S ${globWord(x)} >/dev/null 2>&1; }`).join(' || ')}; }`;
    return 'true';
  };
  return (when ?? []).map((cond) => ` && ${one(cond)}`).join('');
}

for (const rule of rules) {
  const c = rule.check;
  lines.push(`# ${rule.id}`);
  switch (c.kind) {
    case 'path': {
      for (const p of c.paths) {
        dirsRead.add(path.posix.dirname(p.replace(/\/[^/]*[*?[{].*$/, '/x')));
        if (/[*?[{]/.test(p)) {
          if (c.when) emit(rule, `for f in ${globWord(p)}; do [ -e "$f" ] && ! dpkg -S "$f" >/dev/null 2>&1 && ${say(rule, p)}; done`);
          else emit(rule, `ls -d ${globWord(p)} 2>/dev/null && ${say(rule, p)}`);
          continue;
        }
        const cond = conditionShell(c.when, p);
        const test = { file: '-f', dir: '-d', symlink: '-L', any: '-e' }[c.type ?? 'any'];
        if (c.condition === 'non-empty') {
          dirsRead.add(p);
          const t = c.type ?? 'any';
          const nonEmptyDir = `[ -n "$(ls -A ${globWord(p)} 2>/dev/null)" ]`;
          if (t === 'dir') emit(rule, `${nonEmptyDir}${cond} && ${say(rule, p)}`);
          else if (t === 'file') emit(rule, `[ -s ${globWord(p)} ]${cond} && ${say(rule, p)}`);
          else emit(rule, `{ [ -f ${globWord(p)} ] && [ -s ${globWord(p)} ] || ${nonEmptyDir}; }${cond} && ${say(rule, p)}`);
        } else if (test === '-e') {
          emit(rule, `{ [ -e ${globWord(p)} ] || [ -L ${globWord(p)} ]; }${cond} && ${say(rule, p)}`);
        } else {
          emit(rule, `[ ${test} ${globWord(p)} ]${cond} && ${say(rule, p)}`);
        }
      }
      break;
    }
    case 'mount': {
      const mp = alt((c.mountPoints ?? ['**']).map((m) => globRe(m)));
      const fs = c.fstypes ? ` type ${alt(c.fstypes)} ` : ' ';
      emit(rule, `mount | grep -E ${q(` on ${mp}${fs}`)} && ${say(rule, 'mounts')}`);
      break;
    }
    case 'cgroup': {
      const depth = c.maxDepth ?? 2;
      const globs = [];
      for (const n of c.names) for (let d = 0; d < depth; d++) globs.push(`/sys/fs/cgroup/${'*/'.repeat(d)}${n}`);
      dirsRead.add('/sys/fs/cgroup');
      emit(rule, `ls -d ${globs.join(' ')} 2>/dev/null | grep . && ${say(rule, 'cgroups')}`);
      break;
    }
    case 'interface': {
      const names = [...(c.names ?? []).map((n) => globRe(n, { slash: false, star: '[^:@ ]*' }))];
      if (c.nameRegex) names.push(c.nameRegex.replace(/^\^/, '').replace(/\$$/, ''));
      const master = c.master ? ` master ${c.master}` : '';
      const kinds = c.linkKinds ? ` type ${c.linkKinds[0]}` : '';
      emit(rule, `ip -o link show${master}${kinds} | grep -E ${q(`^[0-9]+: ${names.length ? alt(names) : '[^:@]+'}[:@]`)} && ${say(rule, 'links')}`);
      break;
    }
    case 'iptables': {
      const saves = SAVES.filter(([f, b]) => (c.families ?? ['ipv4', 'ipv6']).includes(f) && (c.backends ?? ['nft', 'legacy']).includes(b));
      // A chain name, then a blank: globs match the whole name, a rule's regex searches in it (JS test()).
      const chainNames = [...(c.chains ?? []).map((g) => `${globRe(g, { slash: false, star: '\\S*' })}\\s`)];
      if (c.chainRegex) chainNames.push(c.chainRegex.startsWith('^') ? nameRe(c.chainRegex) : `\\S*?${nameRe(c.chainRegex)}`);
      // A rule's …Exclude regex (RE2 has no lookahead) becomes a negative lookahead again for grep -P.
      const chainNot = c.chainRegexExclude ? `(?!${nameRe(c.chainRegexExclude)})` : '';
      const chainAlt = chainNames.length ? `${chainNot}(?=${alt(chainNames)})\\S+` : `${chainNot}\\S+`;
      let re;
      if (c.ruleComment || c.ruleMatch || c.ruleMatchExclude || c.ruleTarget) {
        re = `^-A ${chainAlt} `;
        if (c.ruleMatch) re += `(?=${restRe(c.ruleMatch)})`;
        if (c.ruleMatchExclude) re += `(?!${restRe(c.ruleMatchExclude)})`;
        if (c.ruleComment) re += `(?=.*?--comment "?${c.ruleComment.startsWith('^') ? c.ruleComment.slice(1) : `[^"]*${c.ruleComment}`})`;
        if (c.ruleTarget) re += `(?=.*? -[jg] ${alt(c.ruleTarget.map((t) => globRe(t, { slash: false, star: '\\S*' })))}(\\s|$))`;
      } else {
        re = `^:${chainAlt} `;
      }
      const table = c.tables && c.tables.length === 1 ? ` -t ${c.tables[0]}` : '';
      emit(rule, `for s in ${saves.map((s) => s[2]).join(' ')}; do $s${table} 2>/dev/null | grep -P ${q(re)} && echo "RESIDUE ${rule.id}: $s"; done`);
      break;
    }
    case 'nftables':
      for (const t of c.tables) emit(rule, `nft list table ${t.family} ${t.name} >/dev/null 2>&1 && ${say(rule, `${t.family} ${t.name}`)}`);
      break;
    case 'ipvs':
      emit(rule, `ipvsadm -Ln 2>/dev/null | grep -E '^(TCP|UDP|SCTP) ' && ${say(rule, 'virtual services')}`);
      break;
    case 'ipset': {
      const names = [...(c.names ?? []).map((n) => `${globRe(n, { slash: false })}$`)];
      if (c.nameRegex) names.push(`(?:${c.nameRegex.replace(/^\^/, '')})`);
      const not = c.nameRegexExclude ? `(?!${c.nameRegexExclude.replace(/^\^/, '')})` : '';
      emit(rule, `ipset list -n 2>/dev/null | grep -P ${q(`^${not}${alt(names)}`)} && ${say(rule, 'sets')}`);
      break;
    }
    case 'systemd-unit': {
      const units = alt(c.units.map((u) => globRe(u, { slash: false })));
      const dirs = c.transientOnly ? ['/run/systemd/transient'] : UNIT_DIRS;
      for (const d of dirs) dirsRead.add(d);
      emit(rule, `ls ${dirs.join(' ')} ${dirs.map((d) => `${d}/*.wants`).join(' ')} 2>/dev/null | grep -E ${q(`^${units}(\\.d)?$`)} && ${say(rule, 'unit files')}`);
      for (const u of c.units) if (!/[*?[]/.test(u)) emit(rule, `systemctl is-active --quiet ${u} 2>/dev/null && ${say(rule, `${u} active`)}`);
      break;
    }
    case 'process': {
      if (c.podMember) {
        emit(rule, `grep -lE ':/(kubepods|kubepods\\.slice|k8s\\.io)(/|$)' /proc/[0-9]*/cgroup 2>/dev/null | grep . && ${say(rule, 'pod processes')}`);
        break;
      }
      if (c.exe) {
        emit(rule, `ls -l /proc/[0-9]*/exe 2>/dev/null | grep -E ${q(`/${alt(c.exe.map((e) => globRe(e, { slash: false })))}$`)} && ${say(rule, 'processes')}`);
        break;
      }
      // pgrep matches comm against a regex, one name per call (it refuses patterns over 15 characters).
      for (const n of c.comm) {
        const comm = globRe(n, { slash: false });
        const not = c.cmdlineExclude ? `(?!${restRe(c.cmdlineExclude)})` : '';
        if (c.cmdline || not) emit(rule, `pgrep -a -x ${q(comm)} | grep -P ${q(`^\\d+ ${not}${c.cmdline ? restRe(c.cmdline) : ''}`)} && ${say(rule, `${n} processes`)}`);
        else emit(rule, `pgrep -x ${q(comm)} && ${say(rule, `${n} processes`)}`);
      }
      break;
    }
    case 'port': {
      const protos = c.protocols ?? ['tcp', 'udp'];
      const flags = `-Hln${protos.includes('tcp') ? 't' : ''}${protos.includes('udp') ? 'u' : ''}`;
      const addr = c.addresses ? alt(c.addresses.map((a) => a.replaceAll('.', '\\.'))) : '\\S*';
      emit(rule, `ss ${flags} | grep -E ${q(`\\s${addr}:${alt(c.ports.map(String))}\\s`)} && ${say(rule, 'listeners')}`);
      break;
    }
    case 'netns':
      dirsRead.add('/run/netns');
      emit(rule, `ls /run/netns 2>/dev/null | grep -E ${q(`^${alt(c.names.map((n) => globRe(n, { slash: false })))}$`)} && ${say(rule, 'netns')}`);
      break;
    case 'file-content': {
      const files = c.paths.map(globWord).join(' ');
      if (c.marker) emit(rule, `grep -F -e ${q(c.marker.begin)} ${files} 2>/dev/null && ${say(rule, 'marker block')}`);
      else emit(rule, `grep -P ${q(c.regex)} ${files} 2>/dev/null && ${say(rule, 'lines')}`);
      break;
    }
    case 'container': {
      // The runtime's own state, as people look at it: CRI task bundles and CRI-O's containers, then ctr (with
      // the connect timeout and an outer timeout, as a careful script would) for stopped containers and images.
      const bundles = ['/run/containerd', '/run/k3s/containerd'].map((s) => `${s}/io.containerd.runtime.v2.task/k8s.io/*/config.json`);
      for (const s of ['/run/containerd/io.containerd.runtime.v2.task/k8s.io', '/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io', '/run/containers/storage/overlay-containers']) dirsRead.add(s);
      if (c.object === 'pod') {
        emit(rule, `for f in ${bundles.join(' ')} /run/containers/storage/overlay-containers/*/userdata/config.json; do [ -e "$f" ] && grep -q -E '"io\\.kubernetes\\.cri(-o)?\\.(container-type|ContainerType)"' "$f" && echo "RESIDUE ${rule.id}: $f"; done`);
      } else {
        const what = c.object === 'image' ? 'images' : 'containers';
        emit(rule, `timeout 5 ctr --connect-timeout 2s --namespace k8s.io ${what} list --quiet 2>/dev/null | grep -v '^sha256:' | grep -q . && ${say(rule, what)}`);
      }
      break;
    }
    default:
      throw new Error(`no shell idiom for check kind ${c.kind}`);
  }
}

const header = (what) => `#!/usr/bin/env bash
# GENERATED by bench/lib/make-audit.mjs from the built-in rules (${rules.length} rules); do not edit.
# ${what}
`;
writeFileSync(
  path.join(root, 'bench/audit.sh'),
  `${header('The reference shell audit: one line per item a kube-residue scan checks, written the way people write these scripts.')}` +
    `# Prints "RESIDUE <rule>: ..." lines (and what the matching commands print); always exits 0.\n` +
    `${lines.join('\n')}\nexit 0\n`,
);

const dirs = [...dirsRead].sort();
const floor = `${header('The floor: the kernel state the audit reads, read once, with no matching (see make-audit.mjs).')}
exec >/dev/null 2>&1
iptables-nft-save; ip6tables-nft-save; iptables-legacy-save; ip6tables-legacy-save
nft list chains
ipset list -n
ip -d -j link show
ss -Hlntu
cat /proc/self/mountinfo /proc/[0-9]*/comm /proc/net/ip_vs
ls -f ${dirs.join(' ')}
exit 0
`;
writeFileSync(path.join(root, 'bench/floor.sh'), floor);
process.stderr.write(`bench/audit.sh: ${lines.filter((l) => !l.startsWith('#')).length} checks for ${rules.length} rules; bench/floor.sh: ${dirs.length} directories\n`);
