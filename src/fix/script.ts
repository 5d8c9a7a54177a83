// renderScript: a fix plan → a POSIX sh script (it also runs with dash) for a person to review and run.
// Every command goes through run() or run_may_fail() with its words as separate arguments; nothing that came
// from the scanned host is ever evaluated as shell code (no eval, no sh -c). The kr_* helpers re-check the
// host at run time: is the path still there and what the scan saw, is nothing mounted below it, is the pid
// still the process the scan saw, does it still hold the port.
import type { FixPlan, FixStep, Refusal, ScriptArg, ScriptBlock, ScriptMeta } from './model.js';
import { PHASES } from './phases.js';
import { refusalPhase } from './planners/index.js';
import { bytesWord, commandComment, displayCommand, displayText, shellWord } from './shell-text.js';
import { ARGS, HELPERS, scriptPart } from './shell-helpers.js';

const RULE = `# ${'-'.repeat(100)}`;

function comment(text: string, indent = ''): string {
  return `${indent}# ${displayText(text)}`.trimEnd();
}

function words(args: readonly ScriptArg[]): string {
  return args.map((a) => (typeof a === 'string' ? shellWord(a) : bytesWord(a.hex))).join(' ');
}

/** A call of one of the script's functions: its name, then each argument as one quoted word. */
function callLine(fn: string, ...args: readonly ScriptArg[]): string {
  return args.length > 0 ? `${fn} ${words(args)}` : fn;
}

function renderBlocks(blocks: readonly ScriptBlock[], indent: string): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'comment') out.push(comment(b.text, indent));
    else if (b.type === 'call') out.push(`${indent}${callLine(b.fn, ...b.args)}`);
    else {
      out.push(`${indent}if ${scriptPart(b.test === 'systemd' ? 'test-systemd' : 'test-crictl').join(' ')}; then`);
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
    ...(r.wouldRun ? [commandComment(displayCommand(r.wouldRun), '  Not run: ')] : []),
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
    ...scriptPart('shellcheck-directives'),
  ];
}

function hostChecks(plan: FixPlan): string {
  const args = [plan.host.hostname, displayText(plan.host.hostname), ...(plan.host.machineId ? [plan.host.machineId] : [])];
  return callLine('kr_check_host', ...args);
}

function stepLines(step: FixStep): string[] {
  return [...step.comment.map((c) => comment(c)), ...renderBlocks(step.blocks, '')];
}

/** Renders the plan as a script. `meta` adds what the scan does not know (when, by which version, from where). */
export function renderScript(plan: FixPlan, meta: ScriptMeta): string {
  const phases = PHASES.filter((p) => plan.steps.some((s) => s.phase === p.id) || plan.refused.some((r) => refusalPhase(r.kind) === p.id));
  const out: string[] = [...header(plan, meta, plan.steps.length, phases.length), '', ...scriptPart('strict'), '', ARGS, ''];
  if (plan.steps.length === 0 && plan.refused.length === 0 && plan.manual.length === 0) {
    const what =
      plan.counts.findings === 0
        ? plan.unchecked.length > 0
          ? `the scan found no residue, but ${plan.unchecked.length} rule(s) could not be checked (see the header)`
          : 'the scan found no residue'
        : 'the scan found nothing this plan can act on';
    out.push(...scriptPart('nothing-to-do', { MESSAGE: shellWord(`# kube-residue fix plan for ${displayText(plan.host.hostname)}: ${what}; nothing to do.`) }), '');
    return out.join('\n');
  }
  const needNl = plan.steps.some((s) => s.blocks.some(function nl(b: ScriptBlock): boolean {
    return b.type === 'call' ? b.args.some((a) => typeof a === 'string' && a.includes('\n')) : b.type === 'if' ? [...b.then, ...b.otherwise].some(nl) : false;
  }));
  out.push(HELPERS, '');
  if (needNl) out.push(...scriptPart('newline'), '');
  out.push(hostChecks(plan), '');
  out.push(
    callLine('kr_say', `kube-residue fix plan for ${displayText(plan.host.hostname)}, from the scan of ${plan.scanStartedAt}`),
    ...scriptPart('dry-run-notice'),
    '',
  );
  phases.forEach((p, i) => {
    out.push(RULE, comment(`Phase ${i + 1}/${phases.length}: ${p.title}`), comment(`Why: ${p.why}`), RULE);
    out.push(callLine('kr_say', `== ${i + 1}/${phases.length} ${p.title}`), '');
    for (const r of plan.refused.filter((x) => refusalPhase(x.kind) === p.id)) out.push(...renderRefusal(r), '');
    for (const s of plan.steps.filter((x) => x.phase === p.id)) out.push(...stepLines(s), '');
  });
  if (plan.manual.length > 0) {
    out.push(RULE, comment('Not run by this script: commands the rules give, for you to review and run by hand if wanted'), RULE);
    for (const m of plan.manual) {
      out.push(comment(`[${m.ruleIds.join(', ')}] ${m.target}: ${m.why}`));
      for (const c of m.commands) out.push(commandComment(c, '    '));
    }
    out.push('');
  }
  out.push(RULE, comment('What a reboot clears, and what to do next'), RULE);
  const checks = plan.rebootOnly.filter((r) => r.check);
  const advice = plan.rebootOnly.filter((r) => !r.check);
  for (const r of plan.rebootOnly) out.push(comment(`[${r.ruleIds.join(', ')}] ${r.target}: ${r.why}`));
  out.push(callLine('kr_done'));
  if (plan.refused.length > 0) out.push(callLine('kr_say', `${plan.refused.length} finding(s) refused by the plan itself: see the REFUSED comments in this script`));
  if (checks.length > 0) {
    out.push(...scriptPart('reboot-checks'));
    for (const r of checks) {
      const c = r.check;
      if (c) out.push(callLine('kr_left', c.type, c.value, `${displayText(r.target)} (${r.why})`));
    }
    out.push(...scriptPart('reboot-checks-end'));
  }
  for (const r of advice) out.push(callLine('kr_say', `note: ${displayText(r.target)}: ${r.why}`));
  if (plan.manual.length > 0) out.push(callLine('kr_say', `${plan.manual.length} fix(es) are left for you to run by hand: see the end of this script`));
  out.push(...scriptPart('closing'), '');
  return out.join('\n');
}
