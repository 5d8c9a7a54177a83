// The gate's text for a person: each blocker with why it blocks and its fix commands, which must paste as shown.
import { describe, expect, it } from 'vitest';
import { GATE_SCHEMA_VERSION, gateText, type GateDocument } from '../../src/gate/render.js';
import type { GateBlocker } from '../../src/gate/verdict.js';

function doc(blockers: GateBlocker[]): GateDocument {
  return {
    schemaVersion: GATE_SCHEMA_VERSION,
    verdict: 'BLOCKED',
    ready: false,
    blockers,
    unchecked: [],
    allowedCniConfig: [],
    advisories: [],
    allowUnchecked: false,
    host: { hostname: 'node-1', root: '/' },
    tool: { name: 'kube-residue', version: '0.0.0', rulesVersion: '0' },
    startedAt: '2026-12-06T00:00:00.000Z',
    finishedAt: '2026-12-06T00:00:01.000Z',
  };
}

const blocker = (fix: string[]): GateBlocker => ({ rule: 'r', title: 't', severity: 'high', target: '/x', evidence: 'e', why: 'It blocks.', fix });

describe('gate text', () => {
  it('keeps a single fix command on the blocker line', () => {
    expect(gateText(doc([blocker(['rm -f -- /x'])])).split('\n')[1]).toBe('BLOCKER r: /x — It blocks. Fix: rm -f -- /x');
  });

  it('puts several commands one per line, so a command shown as a comment never comments out the next', () => {
    const lines = gateText(doc([blocker(['# not a command to paste (a name ending in a newline): rm -rf -- …', 'systemctl daemon-reload'])])).split('\n');
    expect(lines.slice(1, 4)).toEqual(['BLOCKER r: /x — It blocks. Fix:', '    # not a command to paste (a name ending in a newline): rm -rf -- …', '    systemctl daemon-reload']);
  });
});
