// Markdown (GitHub-flavoured) for a pull-request comment or a ticket: a verdict line, the counts, a table of
// findings, the unchecked rules with their reasons, and the fix commands in fenced blocks. Host text is escaped for
// tables (`|`), code spans (backtick runs) and fences (a fence longer than any backtick run inside).
//
// A GitHub comment holds at most 65,536 characters, so the findings table and the fix commands are capped; the cut
// is said in the text, and the JSON or HTML report holds everything.
import type { ScanResult } from '../model/result.js';
import type { Reporter } from './reporter.js';
import { openView, waivedRows, waiverOwnerText } from './waived.js';
import { mdCode, mdFence, mdParagraph, mdText, multiLine, oneLine } from './escape.js';
import {
  bySeverity,
  partialReason,
  durationSeconds,
  durationText,
  foundRules,
  plural,
  probeNotes,
  partlyCheckedRules,
  rebootClearsShort,
  severityCounts,
  sourceText,
  uncheckedRules,
  utcText,
  verdictText,
} from './report-common.js';

export const MARKDOWN_MAX_TABLE_ROWS = 200;
export const MARKDOWN_MAX_FIX_LINES = 400;

const VERDICT_ICON = { clean: '✅', residue: '❌', unchecked: '⚠️' } as const;

function cell(text: string): string {
  // mdText escapes `|`; oneLine turns newlines (which would end the row) into visible `\n`.
  return mdText(oneLine(text));
}

function codeCell(text: string): string {
  return mdCode(oneLine(text), true);
}

export function renderMarkdown(full: ScanResult): string {
  const result = openView(full);
  const s = result.summary;
  const host = result.host;
  const out: string[] = [];
  const found = bySeverity(foundRules(result));
  const unchecked = uncheckedRules(result);

  out.push(`## ${VERDICT_ICON[result.verdict]} kube-residue: ${mdText(verdictText(result))}`);
  out.push('');
  const hostCode = mdCode(oneLine(host.hostname));
  const leftovers = `**${plural(s.findings, 'leftover')}** from ${plural(s.found, 'rule')} on ${hostCode}`;
  let headline: string;
  if (result.verdict === 'residue') headline = leftovers;
  else if (s.findings > 0) headline = `${leftovers}, all below the fail-on severity`;
  else if (result.verdict === 'clean') headline = `**No residue** on ${hostCode}: all ${plural(s.clean, 'checked rule')} are clean`;
  else headline = `**No residue found** on ${hostCode}`;
  if (s.unchecked > 0) headline += `; ${plural(s.unchecked, 'rule')} could not be checked`;
  out.push(`${headline} · profile ${mdCode(result.selection.profile)} · fail on ${mdCode(result.selection.failOn)}`);
  out.push('');

  const sev = severityCounts(result);
  out.push(`| Rules | Found | Clean | Unchecked | Findings | ${sev.map((c) => c.severity.charAt(0).toUpperCase() + c.severity.slice(1)).join(' | ')} |`);
  out.push(`|${' ---: |'.repeat(5 + sev.length)}`);
  out.push(`| ${s.rules} | ${s.found} | ${s.clean} | ${s.unchecked} | ${s.findings} | ${sev.map((c) => c.count).join(' | ')} |`);
  out.push('');

  const duration = durationText(durationSeconds(result.startedAt, result.finishedAt));
  out.push(
    `<sub>Host ${mdCode(oneLine(host.hostname))} · ${mdText(oneLine(host.os))} · kernel ${mdCode(oneLine(host.kernel))} · ${mdText(oneLine(host.arch))} · root ${mdCode(oneLine(host.root))}` +
      `${host.machineId ? ` · machine-id ${mdCode(oneLine(host.machineId))}` : ''}<br>` +
      `Scanned ${mdText(utcText(result.startedAt))} (${duration}) · kube-residue ${mdText(oneLine(result.tool.version))} · rules ${mdText(oneLine(result.tool.rulesVersion))}</sub>`,
  );

  if (found.length > 0) {
    out.push('');
    out.push('### Findings');
    out.push('');
    out.push('| Severity | Rule | Kind | Target | Evidence | Reboot clears |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    let rows = 0;
    for (const rule of found) {
      for (const finding of rule.findings) {
        if (rows >= MARKDOWN_MAX_TABLE_ROWS) break;
        rows += 1;
        out.push(
          `| ${rule.severity} | ${codeCell(rule.ruleId)} | ${cell(finding.kind)} | ${codeCell(finding.target)} | ${cell(finding.evidence)} | ${cell(rebootClearsShort(finding.rebootClears))} |`,
        );
      }
    }
    const total = found.reduce((n, r) => n + r.findings.length, 0);
    if (total > rows) {
      out.push('');
      out.push(`_${total - rows} more findings are not shown here (${rows} of ${total}); the JSON or HTML report lists every one._`);
    }
  }

  const waived = waivedRows(full);
  if (waived.length > 0) {
    out.push('');
    out.push(`### Waived (${waived.length})`);
    out.push('');
    out.push('Accepted by a waiver: reported, but they do not fail the run.');
    out.push('');
    out.push('| | Severity | Rule | Target | Justification | Owner |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    for (const w of waived.slice(0, MARKDOWN_MAX_TABLE_ROWS)) {
      out.push(`| WAIVED | ${w.severity} | ${codeCell(w.rule)} | ${codeCell(w.target)} | ${cell(w.justification)} | ${cell(waiverOwnerText(w))} |`);
    }
  }

  const waiverNotes = [
    ...(full.waivers?.expired ?? []).map((e) => `expired waiver ${mdCode(e.source)}: ${mdCode(e.rule)} expired on ${e.expires} and no longer applies`),
    ...(full.waivers?.stale ?? []).map((e) => `stale waiver ${mdCode(e.source)}: ${mdCode(e.rule)}${e.target ? ` ${mdCode(e.target)}` : ''} matched nothing`),
    ...(full.baseline && full.baseline.heldBack > 0 ? [`baseline ${mdCode(full.baseline.file)} held back ${plural(full.baseline.heldBack, 'known finding')}`] : []),
  ];
  if (waiverNotes.length > 0) {
    out.push('');
    for (const n of waiverNotes) out.push(`- ${n}`);
  }

  if (unchecked.length > 0) {
    out.push('');
    out.push('### Unchecked rules');
    out.push('');
    out.push('These rules could not look at this host, so their silence proves nothing:');
    out.push('');
    for (const rule of unchecked) {
      out.push(`- ${mdCode(oneLine(rule.ruleId))} ${cell(rule.title)}: ${cell(rule.reason ?? 'no reason given')}`);
    }
  }

  const partial = partlyCheckedRules(result);
  if (partial.length > 0) {
    out.push('');
    out.push('### Partly checked rules');
    out.push('');
    for (const rule of partial) out.push(`- ${mdCode(oneLine(rule.ruleId))} ${cell(rule.title)}: ${cell(partialReason(rule))}`);
  }

  const withFixes = found.filter((r) => r.findings.some((f) => f.fix.length > 0) || r.fixNote);
  if (withFixes.length > 0) {
    out.push('');
    out.push('### Fix commands');
    out.push('');
    out.push('Review before running: they are suggestions for a person, rendered from the rule packs with every host value shell-quoted.');
    let lines = 0;
    let omittedRules = 0;
    for (const rule of withFixes) {
      const commands = [...new Set(rule.findings.flatMap((f) => f.fix))].map((c) => multiLine(c));
      if (lines >= MARKDOWN_MAX_FIX_LINES) {
        omittedRules += 1;
        continue;
      }
      out.push('');
      out.push(`#### ${mdCode(oneLine(rule.ruleId))} ${cell(rule.title)}`);
      out.push('');
      out.push(`<sub>${rule.severity} · ${mdText(rule.kind)} · defined in ${mdCode(oneLine(sourceText(rule)))}</sub>`);
      if (rule.fixNote) {
        out.push('');
        out.push(`> ${mdParagraph(rule.fixNote).split('\n').join('\n> ')}`);
      }
      if (commands.length > 0) {
        const room = Math.max(1, MARKDOWN_MAX_FIX_LINES - lines);
        const shown = commands.slice(0, room);
        lines += shown.reduce((n, c) => n + c.split('\n').length, 0);
        out.push('');
        out.push(mdFence(shown.join('\n'), 'sh'));
        if (shown.length < commands.length) out.push(`_${commands.length - shown.length} more commands for this rule are not shown._`);
      }
    }
    if (omittedRules > 0) {
      out.push('');
      out.push(`_Fix commands for ${plural(omittedRules, 'more rule')} are not shown; the HTML or JSON report has them all._`);
    }
  }

  const notes = probeNotes(result);
  if (notes.length > 0) {
    out.push('');
    out.push('<details><summary>Probe notes</summary>');
    out.push('');
    for (const n of notes) out.push(`- ${mdCode(oneLine(n.probe))} ${n.ok ? 'partial' : '**failed**'}: ${cell(n.note)}`);
    out.push('');
    out.push('</details>');
  }

  return `${out.join('\n')}\n`;
}

export const markdownReporter: Reporter = {
  name: 'markdown',
  description: 'Markdown for a pull-request comment or ticket: verdict, counts, findings, fix commands',
  render(result: ScanResult): string {
    return renderMarkdown(result);
  },
};
