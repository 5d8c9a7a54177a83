import { planIptables } from '../iptables-steps.js';
import type { Planner } from './planner.js';

/** iptables: per backend and table, jumps first, then flushes, then deletes (iptables-steps.ts). */
export const planIptablesFindings: Planner<'iptables'> = (entries, b) => {
  const ipt = planIptables(entries);
  b.refused.push(...ipt.refused);
  for (const s of ipt.steps) b.step('iptables', s);
};
