import type { PolicyGate } from '../../../policies/gate.js';
import type { PageCandidate, RuleResolver, SpaceCandidate, UserCandidate } from './resolution.js';

const TOOL = 'draft_automation_rule';

/**
 * Resolution through the policy gate: spaces and pages come only from the draft allowlist
 * and only if the acting user can read them, so a rule can never point at something the
 * drafter could not see or draft against. Users and groups are looked up on the whole site.
 */
export function gateResolver(gate: PolicyGate): RuleResolver {
  let spaces: Promise<SpaceCandidate[]> | undefined;
  const draftSpaces = () => (spaces ??= gate.listSpaces(TOOL, 'draft'));
  return {
    async findSpaces(ref) {
      const all = await draftSpaces();
      return 'spaceKey' in ref
        ? all.filter((space) => space.key === ref.spaceKey.trim().toUpperCase() || space.key === ref.spaceKey.trim())
        : all.filter((space) => space.name.toLowerCase() === ref.spaceName.trim().toLowerCase());
    },
    async findPages(title, spaceKeys) {
      const allowed = new Set((await draftSpaces()).map((space) => space.key));
      const scope = spaceKeys?.filter((key) => allowed.has(key)) ?? [...allowed];
      if (scope.length === 0) return [];
      const pages = await gate.findPagesByTitle(TOOL, title, scope);
      return pages.map((page): PageCandidate => ({ id: page.id, title: page.title, spaceKey: page.spaceKey }));
    },
    async draftableSpaces() {
      return (await draftSpaces()).map((space) => space.key);
    },
    async findUsers(ref) {
      // All matches: two people with one display name come back as ambiguous, not as nobody.
      return (await gate.findUsers(TOOL, 'email' in ref ? ref.email : ref.displayName)) as UserCandidate[];
    },
    async findGroups(name) {
      return gate.findGroups(TOOL, name);
    },
  };
}
