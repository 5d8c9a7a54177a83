import { planContainerSteps } from '../container-steps.js';
import type { KindFix, Planner } from './planner.js';
import { matches } from '../fits.js';

/** Pods, containers and images the runtime still knows: removed through it (container-steps.ts), before shims. */
export const planContainers: Planner<'container'> = (entries, b) => {
  const plan = planContainerSteps(entries);
  b.refused.push(...plan.refused);
  for (const s of plan.steps) b.step('container', s);
};

/** The container kind's fix side: its planner, where its refusals show, how a report's values are read and checked. */
export const containerFix: KindFix<'container'> = {
  plan: planContainers,
  refusalPhase: 'workloads',
  readValues: (r) => ({
    target: r.target(),
    runtime: r.word('runtime'),
    address: r.word('address'),
    namespace: r.word('namespace'),
    state: r.optionalWord('state'),
    pod: r.optionalWord('pod'),
    podNamespace: r.optionalWord('podNamespace'),
    sandboxId: r.optionalWord('sandboxId'),
    ids: r.optionalWords('ids'),
    shimPids: r.optionalWords('shimPids'),
    image: r.optionalWord('image'),
  }),
  fits: (c, v) => {
    if (v.target.startsWith('image/')) return c.object === 'image' && v.image !== undefined && matches(c.images, v.image) ? undefined : `${v.target} is not an image the rule looks for`;
    if (c.object === 'image') return `${v.target} is not an image`;
    return (c.pods === undefined || v.pod === undefined || matches(c.pods, v.pod) || c.containers !== undefined) && matches(c.podNamespaces, v.podNamespace ?? '')
      ? undefined
      : `${v.target} is not a pod the rule looks for`;
  },
};
