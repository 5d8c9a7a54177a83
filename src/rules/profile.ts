// Which rules a profile takes. decommission is post-reset and more: a node leaving Kubernetes for good has every
// reset leftover plus what a reset rightly keeps (packages, repos, the runtime an installer put there).
import type { Profile, ProfileSelector, Rule } from '../model/rule.js';

/** The rule profiles each profile includes. */
export const PROFILE_INCLUDES: Readonly<Record<Profile, readonly Profile[]>> = {
  'post-reset': ['post-reset'],
  'pre-join': ['pre-join'],
  decommission: ['post-reset', 'decommission'],
};

/** One line per profile on what it assumes (help text, README). */
export const PROFILE_SUMMARY: Readonly<Record<Profile, string>> = {
  'post-reset': 'the node was reset and may run Kubernetes again: its runtime, packages and repositories stay',
  'pre-join': 'only what breaks or corrupts the next join of this node',
  decommission: 'the node leaves Kubernetes for good: post-reset plus Kubernetes packages, binaries, repositories and a runtime an installer put there',
};

export function ruleInProfile(rule: Pick<Rule, 'profiles'>, profile: ProfileSelector): boolean {
  if (profile === 'all') return true;
  return PROFILE_INCLUDES[profile].some((p) => rule.profiles.includes(p));
}
