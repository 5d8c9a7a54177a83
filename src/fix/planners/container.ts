import { planContainerSteps } from '../container-steps.js';
import type { Planner } from './planner.js';

/** Pods, containers and images the runtime still knows: removed through it (container-steps.ts), before shims. */
export const planContainers: Planner<'container'> = (entries, b) => {
  const plan = planContainerSteps(entries);
  b.refused.push(...plan.refused);
  for (const s of plan.steps) b.step('container', s);
};
