import type { GroupCandidate, PageCandidate, RuleResolver, SpaceCandidate, UserCandidate } from './resolution.js';

/**
 * A RuleResolver over fixed lists: for tests, the evaluation set, and sources that can list
 * what a policy allows up front. The caller passes only what the acting identity may see.
 */
export interface StaticSite {
  spaces: SpaceCandidate[];
  pages: PageCandidate[];
  users: UserCandidate[];
  groups?: GroupCandidate[];
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export function createStaticResolver(site: StaticSite): RuleResolver {
  return {
    async findSpaces(ref) {
      return site.spaces.filter((s) => ('spaceKey' in ref ? s.key === ref.spaceKey : same(s.name, ref.spaceName)));
    },
    async findPages(title, spaceKeys) {
      return site.pages.filter((p) => same(p.title, title) && (!spaceKeys || spaceKeys.includes(p.spaceKey)));
    },
    async findUsers(ref) {
      return site.users.filter((u) => ('email' in ref ? u.email !== undefined && same(u.email, ref.email) : same(u.displayName, ref.displayName)));
    },
    async draftableSpaces() {
      return site.spaces.map((s) => s.key);
    },
    async findGroups(name) {
      return (site.groups ?? []).filter((g) => same(g.name, name));
    },
  };
}
