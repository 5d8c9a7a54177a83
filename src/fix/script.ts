// renderScript: a fix plan → a POSIX sh script (it also runs with dash) for a person to review and run.
// Every command goes through run() or run_may_fail() with its words as separate arguments; nothing that came
// from the scanned host is ever evaluated as shell code (no eval, no sh -c). The kr_* helpers re-check the
// host at run time: is the path still there and what the scan saw, is nothing mounted below it, is the pid
// still the process the scan saw, does it still hold the port.
import type { CheckKind } from '../model/rule.js';
import type { FixPlan, FixStep, Refusal, ScriptBlock, ScriptMeta } from './model.js';
import { PHASES, type PhaseId } from './phases.js';
import { displayCommand, displayText, shellWord } from './shell-text.js';

const RULE = `# ${'-'.repeat(100)}`;

/** Where a refusal is shown: the phase that would have acted on it. */
const REFUSAL_PHASE: Record<CheckKind, PhaseId> = {
  'systemd-unit': 'units',
  process: 'workloads',
  port: 'workloads',
  mount: 'unmount',
  netns: 'netns',
  interface: 'interfaces',
  iptables: 'iptables',
  ipvs: 'netfilter',
  nftables: 'netfilter',
  ipset: 'netfilter',
  path: 'files',
  'file-content': 'file-edits',
  cgroup: 'cgroups',
  'kube-resource': 'rule-commands',
  container: 'workloads',
};

function comment(text: string, indent = ''): string {
  return `${indent}# ${displayText(text)}`.trimEnd();
}

function words(args: readonly string[]): string {
  return args.map(shellWord).join(' ');
}

function renderBlocks(blocks: readonly ScriptBlock[], indent: string): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'comment') out.push(comment(b.text, indent));
    else if (b.type === 'call') out.push(`${indent}${b.fn}${b.args.length > 0 ? ` ${words(b.args)}` : ''}`);
    else {
      out.push(`${indent}if ${b.test === 'systemd' ? 'kr_systemd_running' : 'command -v crictl >/dev/null 2>&1'}; then`);
      out.push(...(b.then.length > 0 ? renderBlocks(b.then, `${indent}  `) : [`${indent}  :`]));
      if (b.otherwise.length > 0) {
        out.push(`${indent}else`);
        out.push(...renderBlocks(b.otherwise, `${indent}  `));
      }
      out.push(`${indent}fi`);
    }
  }
  return out;
}

function renderRefusal(r: Refusal): string[] {
  return [
    comment(`REFUSED [${r.ruleIds.join(', ')}] ${r.target}: ${r.reason}.`),
    comment(`  The scan saw: ${r.evidence}${r.rebootClears === true ? ' (a reboot clears it)' : ''}`),
    ...(r.wouldRun ? [comment(`  Not run: ${displayCommand(r.wouldRun)}`)] : []),
  ];
}

function hostLine(plan: FixPlan): string {
  const h = plan.host;
  return `${h.hostname} (${h.os}, kernel ${h.kernel}, ${h.arch}${h.machineId ? `, machine-id ${h.machineId}` : ''})`;
}

function header(plan: FixPlan, meta: ScriptMeta, nSteps: number, nPhases: number): string[] {
  const c = plan.counts;
  const lines = [
    'kube-residue fix plan. Review it, then run it yourself, as root, on the scanned node.',
    'kube-residue wrote this file and ran nothing; this script changes the node only when you run it.',
    '',
    `Host:         ${hostLine(plan)}`,
    ...(plan.host.root !== '/' ? [`              scanned through --root ${plan.host.root}: the paths are that host\u2019s; run this on that host itself`] : []),
    `Scanned:      ${plan.scanStartedAt} to ${plan.scanFinishedAt} (${meta.source})`,
    `Generated:    ${meta.generatedAt}`,
    `Tool:         kube-residue ${meta.generatorVersion}${plan.tool.version !== meta.generatorVersion ? ` (the scan was made by ${plan.tool.version})` : ''}, rules version ${plan.tool.rulesVersion}`,
    `Rules:        ${c.rules} evaluated: ${c.found} found residue, ${c.clean} clean, ${c.unchecked} could not be checked`,
    `Findings:     ${c.findings}; verdict: ${plan.verdict}`,
    `Plan:         ${nSteps} step${nSteps === 1 ? '' : 's'} in ${nPhases} phase${nPhases === 1 ? '' : 's'}; ${plan.refused.length} refused (shown as comments); ${plan.rebootOnly.filter((r) => r.check).length} may need a reboot`,
    ...plan.unchecked.map((u) => `Not checked:  ${u.ruleId}: ${u.reason}`),
    '',
    'Preview:      sh THIS-FILE --dry-run    (or DRY_RUN=1 sh THIS-FILE): prints each command, runs none',
    'Run:          sudo sh THIS-FILE         stops at the first unexpected failure; safe to run again',
    'Then:         kube-residue scan         to confirm what is left',
    '',
    'Every command goes through run (stop on failure) or run_may_fail (a failure that is expected and harmless,',
    'such as a chain that is already gone), with its words as separate arguments: nothing from the scanned host is',
    'ever evaluated as shell code. Before each step the script re-checks the host: paths still there and of the type',
    'the scan saw, nothing mounted below a path before it is removed, a pid still the process the scan saw.',
  ];
  return [
    '#!/bin/sh',
    ...lines.map((l) => comment(l)),
    '#',
    '# Values from the host are single-quoted or backslash-escaped on purpose, so that nothing in them expands:',
    '# shellcheck disable=SC1001,SC2016',
  ];
}

const ARGS = `kr_usage() {
  printf '%s\\n' 'Usage: sh SCRIPT [--dry-run]' \\
    '  --dry-run, -n  print every command without running it (same as DRY_RUN=1 in the environment)' \\
    '  --help, -h     this text'
}
DRY_RUN=\${DRY_RUN:-0}
while [ "$#" -gt 0 ]; do
  case $1 in
    --dry-run | -n) DRY_RUN=1 ;;
    --help | -h)
      kr_usage
      exit 0
      ;;
    *)
      printf 'unknown argument: %s\\n' "$1" >&2
      kr_usage >&2
      exit 2
      ;;
  esac
  shift
done
# Anything but 0 (or empty) means a dry run: a typo never runs the plan by accident.
case $DRY_RUN in
  0 | '') DRY_RUN=0 ;;
  *) DRY_RUN=1 ;;
esac`;

/** The script's functions. Only literal words reach them; they decide at run time whether to act. */
const HELPERS = `kr_sq="'"
kr_count=0
kr_tolerated=0
kr_refused=0
kr_last=0

# Messages: one line each, starting with '#', so a dry run's output reads as a shell transcript.
kr_say() {
  printf '# %s\\n' "$*"
}

kr_refuse() {
  if [ "$DRY_RUN" = 1 ]; then
    kr_say "would be refused at run time: $*"
  else
    kr_refused=$((kr_refused + 1))
    kr_say "REFUSED at run time: $*"
  fi
}

# kr_printable WORD: true when every byte of WORD is printable ASCII. Decided in the C locale, so control
# characters, bidi overrides and zero-width characters (UTF-8 bytes above 127) never count as printable.
kr_printable() {
  kr_lc=\${LC_ALL-kr_unset}
  LC_ALL=C
  case $1 in
    *[![:print:]]*) kr_pr=1 ;;
    *) kr_pr=0 ;;
  esac
  if [ "$kr_lc" = kr_unset ]; then unset LC_ALL; else LC_ALL=$kr_lc; fi
  return "$kr_pr"
}

# kr_visible WORD: sets kr_qv to WORD as $'...' with every byte outside printable ASCII as an octal escape, so a
# dry run never sends a host name's terminal escape, bidi override or line break to the terminal raw.
kr_visible() {
  kr_qv=
  for kr_o in $(printf '%s' "$1" | od -An -v -to1); do
    case $kr_o in
      047 | 134) kr_qv="$kr_qv\\\\$kr_o" ;;
      04[0-7] | 0[5-7][0-7] | 1[0-6][0-7] | 17[0-6]) kr_qv="$kr_qv$(printf '%b' "\\\\0$kr_o")" ;;
      *) kr_qv="$kr_qv\\\\$kr_o" ;;
    esac
  done
  kr_qv="\\$'$kr_qv'"
}

# kr_quote WORD: sets kr_qv to WORD as one shell word on one line (for printing commands).
kr_quote() {
  if ! kr_printable "$1"; then
    kr_visible "$1"
    return 0
  fi
  case $1 in
    '' | *[!A-Za-z0-9_./:=@%+,-]*) ;;
    *)
      kr_qv=$1
      return 0
      ;;
  esac
  kr_qs=$1
  kr_qv=
  while :; do
    case $kr_qs in
      *"$kr_sq"*)
        kr_qv=$kr_qv\${kr_qs%%"$kr_sq"*}$kr_sq\\\\$kr_sq$kr_sq
        kr_qs=\${kr_qs#*"$kr_sq"}
        ;;
      *) break ;;
    esac
  done
  kr_qv=$kr_sq$kr_qv$kr_qs$kr_sq
}

kr_show() {
  kr_line='+'
  for kr_w in "$@"; do
    kr_quote "$kr_w"
    kr_line="$kr_line $kr_qv"
  done
  printf '%s\\n' "$kr_line"
}

# run CMD ARGS...: print the command, run it unless this is a dry run, stop the script if it fails.
run() {
  kr_show "$@"
  if [ "$DRY_RUN" = 1 ]; then
    return 0
  fi
  kr_count=$((kr_count + 1))
  kr_rc=0
  "$@" || kr_rc=$?
  if [ "$kr_rc" -ne 0 ]; then
    kr_say "FAILED with exit status $kr_rc: stopping here, nothing after this command was done."
    kr_say "Fix the cause and run the script again: each step re-checks the node and skips what is already gone."
    exit "$kr_rc"
  fi
}

# run_may_fail CMD ARGS...: the same, but a failure is expected and harmless: report it and go on.
run_may_fail() {
  kr_show "$@"
  kr_last=0
  if [ "$DRY_RUN" = 1 ]; then
    return 0
  fi
  kr_count=$((kr_count + 1))
  "$@" || kr_last=$?
  if [ "$kr_last" -ne 0 ]; then
    kr_tolerated=$((kr_tolerated + 1))
    kr_say "exit status $kr_last (tolerated, going on)"
  fi
}

kr_systemd_running() {
  [ -d /run/systemd/system ] || return 1
  kr_c=
  { IFS= read -r kr_c </proc/1/comm; } 2>/dev/null || return 1
  [ "$kr_c" = systemd ]
}

# kr_mounts MOUNTINFO-PATH: sets kr_m to 'at' (a mount point), 'below' (something mounted below it), 'none',
# or 'unknown' (mountinfo unreadable: treated as mounted).
kr_mounts() {
  kr_m=$(KR_P=$1 awk '
    BEGIN { p = ENVIRON["KR_P"]; n = length(p); s = "none" }
    $5 == p { s = "at" }
    s != "at" && substr($5, 1, n + 1) == p "/" { s = "below" }
    END { print s }' /proc/self/mountinfo 2>/dev/null) || kr_m=unknown
  [ -n "$kr_m" ] || kr_m=unknown
}

kr_type_now() {
  if [ -L "$1" ]; then
    kr_t=l
  elif [ -d "$1" ]; then
    kr_t=d
  else
    kr_t=f
  fi
}

# kr_rm FLAGS SEEN PATH MOUNTINFO-PATH LABEL: rm FLAGS -- PATH, unless it is gone, is no longer the type the scan
# saw (d, f, l; ? = not recorded), or anything is mounted at or below it.
kr_rm() {
  if [ ! -e "$3" ] && [ ! -L "$3" ]; then
    kr_say "skip: already gone: $5"
    return 0
  fi
  kr_type_now "$3"
  if [ "$2" != '?' ] && [ "$2" != "$kr_t" ]; then
    kr_refuse "$5 changed since the scan (it saw type $2, now it is $kr_t): not removed"
    return 0
  fi
  kr_mounts "$4"
  if [ "$kr_m" != none ]; then
    if [ "$DRY_RUN" = 1 ]; then
      kr_say "note: something is mounted $kr_m $5 now; the real run unmounts first and re-checks before this"
    else
      kr_refuse "something is still mounted $kr_m $5 (mountinfo: $kr_m): not removed, since rm would reach into the mounted filesystem; unmount it, then run the script again"
      return 0
    fi
  fi
  run rm "$1" -- "$3"
}

# kr_umount PATH MOUNTINFO-PATH LABEL: unmount until nothing is mounted exactly there (stacked mounts).
kr_umount() {
  kr_mounts "$2"
  if [ "$kr_m" != at ]; then
    kr_say "skip: not mounted (any more): $3"
    return 0
  fi
  kr_i=0
  while [ "$kr_m" = at ]; do
    run_may_fail umount -- "$1"
    if [ "$DRY_RUN" = 1 ] || [ "$kr_last" -ne 0 ]; then
      return 0
    fi
    kr_i=$((kr_i + 1))
    if [ "$kr_i" -ge 16 ]; then
      kr_say "still mounted after $kr_i unmounts: $3"
      return 0
    fi
    kr_mounts "$2"
  done
}

# kr_proc_is PID COMM: the pid exists and is still called COMM.
kr_proc_is() {
  kr_c=
  { IFS= read -r kr_c <"/proc/$1/comm"; } 2>/dev/null || return 1
  [ "$kr_c" = "$2" ]
}

# kr_alive PID...: sets kr_live to those that still run (not zombies).
kr_alive() {
  kr_live=
  for kr_p in "$@"; do
    kr_st=
    { IFS= read -r kr_st <"/proc/$kr_p/stat"; } 2>/dev/null || continue
    kr_st=\${kr_st##*) }
    case $kr_st in
      Z* | X*) continue ;;
    esac
    kr_live="$kr_live $kr_p"
  done
}

# kr_terminate PID...: SIGTERM, up to 10 s to exit, then SIGKILL. Never pid 1 or this shell.
kr_terminate() {
  kr_pids=
  for kr_p in "$@"; do
    if [ "$kr_p" != 1 ] && [ "$kr_p" != "$$" ]; then
      kr_pids="$kr_pids $kr_p"
    fi
  done
  if [ -z "$kr_pids" ]; then
    return 0
  fi
  # shellcheck disable=SC2086 # a list of pids, split on purpose
  run_may_fail kill -s TERM $kr_pids
  if [ "$DRY_RUN" = 1 ]; then
    return 0
  fi
  kr_i=0
  while [ "$kr_i" -lt 10 ]; do
    # shellcheck disable=SC2086
    kr_alive $kr_pids
    if [ -z "$kr_live" ]; then
      return 0
    fi
    sleep 1
    kr_i=$((kr_i + 1))
  done
  # shellcheck disable=SC2086
  kr_alive $kr_pids
  if [ -n "$kr_live" ]; then
    # shellcheck disable=SC2086
    run_may_fail kill -s KILL $kr_live
  fi
}

# kr_kill PID COMM LABEL: end the process if the pid is still called COMM.
kr_kill() {
  if ! kr_proc_is "$1" "$2"; then
    kr_say "skip: process $3 is gone or the pid now has another name"
    return 0
  fi
  kr_terminate "$1"
}

# kr_kill_tree PID COMM LABEL: the same, with every descendant (a shim and the containers it runs).
kr_kill_tree() {
  if ! kr_proc_is "$1" "$2"; then
    kr_say "skip: process $3 is gone or the pid now has another name"
    return 0
  fi
  kr_pairs=
  for kr_f in /proc/[0-9]*/stat; do
    kr_st=
    { IFS= read -r kr_st <"$kr_f"; } 2>/dev/null || continue
    kr_pp=\${kr_st##*) }
    kr_pp=\${kr_pp#* }
    kr_pp=\${kr_pp%% *}
    kr_p=\${kr_f#/proc/}
    kr_p=\${kr_p%/stat}
    kr_pairs="$kr_pairs $kr_p:$kr_pp"
  done
  kr_tree=" $1 "
  kr_more=1
  while [ "$kr_more" = 1 ]; do
    kr_more=0
    for kr_pair in $kr_pairs; do
      kr_p=\${kr_pair%%:*}
      kr_pp=\${kr_pair#*:}
      case $kr_tree in
        *" $kr_p "*) ;;
        *" $kr_pp "*)
          kr_tree="$kr_tree$kr_p "
          kr_more=1
          ;;
      esac
    done
  done
  # shellcheck disable=SC2086 # a list of pids, split on purpose
  kr_terminate $kr_tree
}

# kr_kill_port PROTO PORT PID...: end those of the pids that still listen on PROTO/PORT (checked with ss).
kr_kill_port() {
  kr_proto=$1
  kr_port=$2
  shift 2
  if ! command -v ss >/dev/null 2>&1; then
    kr_say "skip: ss (iproute2) is not installed, so who holds $kr_proto/$kr_port cannot be checked; pids seen: $*"
    return 0
  fi
  kr_ss=$(ss -H -l -n -p "--$kr_proto" "sport = :$kr_port" 2>/dev/null) || kr_ss=
  kr_holders=
  for kr_p in "$@"; do
    case $kr_ss in
      *"pid=$kr_p,"*) kr_holders="$kr_holders $kr_p" ;;
    esac
  done
  if [ -z "$kr_holders" ]; then
    kr_say "skip: none of the processes the scan saw ($*) listens on $kr_proto/$kr_port any more"
    return 0
  fi
  # shellcheck disable=SC2086 # a list of pids, split on purpose
  kr_terminate $kr_holders
}

kr_netns_delete() {
  if [ ! -e "/run/netns/$1" ] && [ ! -e "/var/run/netns/$1" ]; then
    kr_say "skip: network namespace already gone: $2"
    return 0
  fi
  run_may_fail ip netns delete "$1"
}

kr_link_delete() {
  if [ ! -e "/sys/class/net/$1" ]; then
    kr_say "skip: interface already gone: $2"
    return 0
  fi
  run_may_fail ip link delete dev "$1"
  if [ "$kr_last" -ne 0 ] && [ ! -e "/sys/class/net/$1" ]; then
    kr_tolerated=$((kr_tolerated - 1))
    kr_say "gone by now anyway (a veth goes with its peer): $2"
  fi
}

kr_nft_delete() {
  if ! command -v nft >/dev/null 2>&1 || ! nft list table "$1" "$2" >/dev/null 2>&1; then
    kr_say "skip: nftables table $1 $2 is already gone (or nft is not installed)"
    return 0
  fi
  run_may_fail nft delete table "$1" "$2"
}

# kr_cgroup_rmdir PATH LABEL: rmdir every empty cgroup below PATH and PATH itself, deepest first.
kr_cgroup_rmdir() {
  if [ ! -d "$1" ]; then
    kr_say "skip: cgroup already gone: $2"
    return 0
  fi
  run_may_fail find "$1" -depth -type d -exec rmdir '{}' ';'
  if [ "$DRY_RUN" != 1 ] && [ -d "$1" ]; then
    kr_say "still there (it or a cgroup below it holds processes): $2; a reboot clears it"
  fi
}

kr_left_n=0
# kr_left path|link VALUE LABEL: at the end, report what is still there.
kr_left() {
  case $1 in
    link) [ -e "/sys/class/net/$2" ] || return 0 ;;
    *) [ -e "$2" ] || return 0 ;;
  esac
  kr_left_n=$((kr_left_n + 1))
  kr_say "  still there: $3"
}`;

function hostChecks(plan: FixPlan): string {
  const host = shellWord(plan.host.hostname);
  const lines = [
    `kr_plan_host=${host}`,
    'kr_here=$(uname -n 2>/dev/null) || kr_here=unknown',
    'if [ "$kr_here" != "$kr_plan_host" ]; then',
    `  kr_msg=${shellWord(`this plan was made for host ${displayText(plan.host.hostname)}, but this is `)}$(printf '%s' "$kr_here" | tr -cd '[:graph:]')`,
    '  if [ "$DRY_RUN" = 1 ] || [ "${KUBE_RESIDUE_OTHER_HOST:-0}" = 1 ]; then',
    '    kr_say "WARNING: $kr_msg"',
    '  else',
    '    printf \'%s\\n\' "kube-residue fix: $kr_msg; not running (set KUBE_RESIDUE_OTHER_HOST=1 if that is really intended)" >&2',
    '    exit 2',
    '  fi',
    'fi',
  ];
  if (plan.host.machineId) {
    lines.push(
      `kr_plan_id=${shellWord(plan.host.machineId)}`,
      'kr_id=',
      '{ IFS= read -r kr_id </etc/machine-id; } 2>/dev/null || kr_id=',
      'if [ -n "$kr_id" ] && [ "$kr_id" != "$kr_plan_id" ] && [ "$DRY_RUN" != 1 ] && [ "${KUBE_RESIDUE_OTHER_HOST:-0}" != 1 ]; then',
      '  printf \'%s\\n\' "kube-residue fix: /etc/machine-id differs from the scanned host\'s; not running (set KUBE_RESIDUE_OTHER_HOST=1 if that is really intended)" >&2',
      '  exit 2',
      'fi',
    );
  }
  lines.push(
    'if [ "$DRY_RUN" != 1 ] && [ "$(id -u)" != 0 ]; then',
    '  printf \'%s\\n\' \'kube-residue fix: run this as root (or preview it with --dry-run)\' >&2',
    '  exit 2',
    'fi',
  );
  return lines.join('\n');
}

function stepLines(step: FixStep): string[] {
  return [...step.comment.map((c) => comment(c)), ...renderBlocks(step.blocks, '')];
}

/** Renders the plan as a script. `meta` adds what the scan does not know (when, by which version, from where). */
export function renderScript(plan: FixPlan, meta: ScriptMeta): string {
  const phases = PHASES.filter((p) => plan.steps.some((s) => s.phase === p.id) || plan.refused.some((r) => REFUSAL_PHASE[r.kind] === p.id));
  const out: string[] = [...header(plan, meta, plan.steps.length, phases.length), '', 'set -eu', '', ARGS, ''];
  if (plan.steps.length === 0 && plan.refused.length === 0 && plan.manual.length === 0) {
    const what =
      plan.counts.findings === 0
        ? plan.unchecked.length > 0
          ? `the scan found no residue, but ${plan.unchecked.length} rule(s) could not be checked (see the header)`
          : 'the scan found no residue'
        : 'the scan found nothing this plan can act on';
    out.push(`printf '%s\\n' ${shellWord(`# kube-residue fix plan for ${displayText(plan.host.hostname)}: ${what}; nothing to do.`)}`, 'exit 0', '');
    return out.join('\n');
  }
  const needNl = plan.steps.some((s) => s.blocks.some(function nl(b: ScriptBlock): boolean {
    return b.type === 'call' ? b.args.some((a) => a.includes('\n')) : b.type === 'if' ? [...b.then, ...b.otherwise].some(nl) : false;
  }));
  out.push(HELPERS, '');
  if (needNl) out.push('# A newline, for arguments that contain one.', "kr_nl='", "'", '');
  out.push(hostChecks(plan), '');
  out.push(
    `kr_say ${shellWord(`kube-residue fix plan for ${displayText(plan.host.hostname)}, from the scan of ${plan.scanStartedAt}`)}`,
    'if [ "$DRY_RUN" = 1 ]; then',
    "  kr_say 'DRY RUN: commands are printed, none is run'",
    'fi',
    '',
  );
  phases.forEach((p, i) => {
    out.push(RULE, comment(`Phase ${i + 1}/${phases.length}: ${p.title}`), comment(`Why: ${p.why}`), RULE);
    out.push(`kr_say ${shellWord(`== ${i + 1}/${phases.length} ${p.title}`)}`, '');
    for (const r of plan.refused.filter((x) => REFUSAL_PHASE[x.kind] === p.id)) out.push(...renderRefusal(r), '');
    for (const s of plan.steps.filter((x) => x.phase === p.id)) out.push(...stepLines(s), '');
  });
  if (plan.manual.length > 0) {
    out.push(RULE, comment('Not run by this script: commands the rules give, for you to review and run by hand if wanted'), RULE);
    for (const m of plan.manual) {
      out.push(comment(`[${m.ruleIds.join(', ')}] ${m.target}: ${m.why}`));
      for (const c of m.commands) out.push(comment(`    ${c}`));
    }
    out.push('');
  }
  out.push(RULE, comment('What a reboot clears, and what to do next'), RULE);
  const checks = plan.rebootOnly.filter((r) => r.check);
  const advice = plan.rebootOnly.filter((r) => !r.check);
  for (const r of plan.rebootOnly) out.push(comment(`[${r.ruleIds.join(', ')}] ${r.target}: ${r.why}`));
  out.push(
    'kr_say "----"',
    'if [ "$DRY_RUN" = 1 ]; then',
    "  kr_say 'dry run: nothing was changed'",
    'else',
    '  kr_say "done: $kr_count commands run, $kr_tolerated failed harmlessly (tolerated), $kr_refused refused at run time"',
    'fi',
  );
  if (plan.refused.length > 0) out.push(`kr_say ${shellWord(`${plan.refused.length} finding(s) refused by the plan itself: see the REFUSED comments in this script`)}`);
  if (checks.length > 0) {
    out.push("kr_say 'What only a reboot (or unloading a module) clears, if still there:'");
    for (const r of checks) {
      const c = r.check;
      if (c) out.push(`kr_left ${c.type} ${shellWord(c.value)} ${shellWord(`${displayText(r.target)} (${r.why})`)}`);
    }
    out.push('if [ "$kr_left_n" = 0 ]; then', "  kr_say '  nothing'", 'fi');
  }
  for (const r of advice) out.push(`kr_say ${shellWord(`note: ${displayText(r.target)}: ${r.why}`)}`);
  if (plan.manual.length > 0) out.push(`kr_say ${shellWord(`${plan.manual.length} fix(es) are left for you to run by hand: see the end of this script`)}`);
  out.push(
    "kr_say 'Scan again to confirm: kube-residue scan'",
    'if [ "$kr_refused" -gt 0 ]; then',
    '  exit 1',
    'fi',
    '',
  );
  return out.join('\n');
}
