import type { Problem } from './problems.js';
import { refKindOf, type RefKind } from './refs.js';
import { IF_ELSE, walkComponents, type SimplifiedRule } from './rule-schema.js';

/**
 * Step 4a: resolvable objects (fact sheet §3) → Confluence ids, through an injected,
 * policy-scoped lookup. Fails soft: a reference with no match or several stays unresolved
 * and is flagged for the reviewer; smart values pass through untouched.
 *
 * Scope rule for pages with no space named: in space scope the current space wins (search
 * it first, then the rest of what the policy allows); in global scope a title found in
 * several spaces stays unresolved ("ambiguous") with the candidates listed.
 */

export interface SpaceCandidate {
  key: string;
  name: string;
}

export interface PageCandidate {
  id: string;
  title: string;
  spaceKey: string;
}

export interface UserCandidate {
  accountId: string;
  displayName: string;
  email?: string;
}

export interface GroupCandidate {
  name: string;
  id?: string;
}

/**
 * What resolution needs from the site. The caller hands in a policy-scoped implementation:
 * it only ever returns spaces, pages, users and groups the acting identity may see and the
 * draft allowlist permits. Results are re-checked here for exactness, so a lenient
 * implementation (prefix or fuzzy search) can't cause a wrong match.
 */
export interface RuleResolver {
  /** Spaces with this key (global keys case-insensitively, personal ~keys exactly), or with this name (case-insensitive). */
  findSpaces(ref: { spaceKey: string } | { spaceName: string }): Promise<SpaceCandidate[]>;
  /** Pages with this exact title (case-insensitive) in the given spaces; every allowed space when omitted. */
  findPages(title: string, spaceKeys?: string[]): Promise<PageCandidate[]>;
  /** Users with this email, or this exact display name. */
  findUsers(ref: { displayName: string } | { email: string }): Promise<UserCandidate[]>;
  /** Groups with this exact name. Optional: without it group references stay unresolved. */
  findGroups?(name: string): Promise<GroupCandidate[]>;
  /** Keys of the spaces rules may act on (the draft allowlist). Without it, CQL in a rule is left for a person. */
  draftableSpaces?(): Promise<string[]>;
}

export type UnresolvedReason = 'not_found' | 'ambiguous' | 'lookup_failed';

export interface UnresolvedRef {
  /** Where the reference sits in the simplified rule, e.g. `components[1].config.pageDestination.parentPage`. */
  path: string;
  kind: Exclude<RefKind, 'smart'>;
  ref: Record<string, unknown>;
  reason: UnresolvedReason;
  /** For ambiguous references: what the reviewer can pick from. */
  candidates?: Array<{ id: string; label: string }>;
  message: string;
}

export interface ResolvedRef {
  path: string;
  kind: Exclude<RefKind, 'smart'>;
  ref: Record<string, unknown>;
  /** Page id, space key, user accountId or group name/id. */
  id: string;
  label: string;
  spaceKey?: string;
}

export interface ResolutionResult {
  resolved: ResolvedRef[];
  unresolved: UnresolvedRef[];
  problems: Problem[];
}

export interface FoundRef {
  path: string;
  kind: RefKind;
  value: Record<string, unknown>;
  /** Type of the component (or trigger) holding it. */
  owner: string;
}

/** Every resolvable object in a rule's configs, with its path. If/else children are visited as components. */
export function findRefs(rule: SimplifiedRule): FoundRef[] {
  const out: FoundRef[] = [];
  if (rule.trigger) visitConfig(rule.trigger.config, 'trigger.config', rule.trigger.type, out);
  for (const w of walkComponents(rule.components)) {
    if (w.node.type === IF_ELSE) continue;
    visitConfig(w.node.config, `${w.path}.config`, w.node.type, out);
  }
  return out;
}

function visitConfig(value: unknown, path: string, owner: string, out: FoundRef[]) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => visitConfig(v, `${path}[${i}]`, owner, out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const kind = refKindOf(value);
  if (kind) {
    out.push({ path, kind, value: value as Record<string, unknown>, owner });
    return;
  }
  for (const [k, v] of Object.entries(value)) visitConfig(v, `${path}.${k}`, owner, out);
}

/** Rebuilds a config with each reference replaced by `fn(path, ref)`; used by the export mapper. */
export function mapConfigRefs(value: unknown, path: string, fn: (path: string, ref: Record<string, unknown>, kind: RefKind) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v, i) => mapConfigRefs(v, `${path}[${i}]`, fn));
  if (value === null || typeof value !== 'object') return value;
  const kind = refKindOf(value);
  if (kind) return fn(path, value as Record<string, unknown>, kind);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapConfigRefs(v, `${path}.${k}`, fn)]));
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
/** Space keys as the allowlist compares them: global keys case-insensitively, personal (~user) keys exactly. */
const sameKey = (key: string, asked: string) => (asked.trim().startsWith('~') ? key === asked.trim() : key.toUpperCase() === asked.trim().toUpperCase());

export async function resolveRule(rule: SimplifiedRule, options: { resolver: RuleResolver; spaceKey?: string }): Promise<ResolutionResult> {
  const result: ResolutionResult = { resolved: [], unresolved: [], problems: [] };
  const { resolver, spaceKey: scope } = options;
  const spaceCache = new Map<string, Promise<SpaceCandidate[]>>();
  const spaces = (ref: { spaceKey: string } | { spaceName: string }) => {
    const key = JSON.stringify(ref);
    if (!spaceCache.has(key)) {
      spaceCache.set(
        key,
        resolver.findSpaces(ref).then((found) =>
          found.filter((s) => ('spaceKey' in ref ? sameKey(s.key, ref.spaceKey) : same(s.name, ref.spaceName))),
        ),
      );
    }
    return spaceCache.get(key)!;
  };
  const pages = async (title: string, keys?: string[]) =>
    (await resolver.findPages(title, keys)).filter((p) => same(p.title, title) && (!keys || keys.some((k) => sameKey(p.spaceKey, k))));

  const unresolved = (found: FoundRef, reason: UnresolvedReason, message: string, candidates?: UnresolvedRef['candidates']) => {
    const kind = found.kind as UnresolvedRef['kind'];
    result.unresolved.push({ path: found.path, kind, ref: found.value, reason, message, ...(candidates ? { candidates } : {}) });
    result.problems.push({ kind: 'unresolved', message, component: found.owner });
  };
  const resolved = (found: FoundRef, id: string, label: string, spaceKey?: string) =>
    result.resolved.push({ path: found.path, kind: found.kind as ResolvedRef['kind'], ref: found.value, id, label, ...(spaceKey ? { spaceKey } : {}) });

  for (const found of findRefs(rule)) {
    if (found.kind === 'smart') continue;
    try {
      switch (found.kind) {
        case 'space': {
          const ref = found.value as { spaceKey: string } | { spaceName: string };
          const hits = await spaces(ref);
          const shown = 'spaceKey' in ref ? ref.spaceKey : ref.spaceName;
          if (hits.length === 1) resolved(found, hits[0].key, hits[0].name, hits[0].key);
          else if (hits.length === 0) unresolved(found, 'not_found', `No space "${shown}" was found among the spaces this rule may use.`);
          else unresolved(found, 'ambiguous', `Several spaces are called "${shown}"; pick one in review.`, hits.map((s) => ({ id: s.key, label: `${s.name} (${s.key})` })));
          break;
        }
        case 'page': {
          const ref = found.value as { pageTitle: string; spaceKey?: string; spaceName?: string };
          let keys: string[] | undefined;
          if (ref.spaceKey) keys = [ref.spaceKey];
          else if (ref.spaceName) {
            const hits = await spaces({ spaceName: ref.spaceName });
            if (hits.length !== 1) {
              unresolved(found, hits.length ? 'ambiguous' : 'not_found', `Page "${ref.pageTitle}": ${hits.length ? 'several spaces' : 'no space'} called "${ref.spaceName}".`);
              break;
            }
            keys = [hits[0].key];
          }
          let hits: PageCandidate[];
          if (keys) hits = await pages(ref.pageTitle, keys);
          else if (scope) {
            // Policy: in space scope the current space wins.
            hits = await pages(ref.pageTitle, [scope]);
            if (hits.length === 0) hits = await pages(ref.pageTitle);
          } else hits = await pages(ref.pageTitle);
          const where = keys ? ` in ${keys[0]}` : '';
          if (hits.length === 1) resolved(found, hits[0].id, hits[0].title, hits[0].spaceKey);
          else if (hits.length === 0) unresolved(found, 'not_found', `No page titled "${ref.pageTitle}"${where} was found.`);
          else {
            const inSpaces = [...new Set(hits.map((h) => h.spaceKey))].join(', ');
            unresolved(
              found,
              'ambiguous',
              `${hits.length} pages are titled "${ref.pageTitle}" (${inSpaces}); pick one in review.`,
              hits.map((h) => ({ id: h.id, label: `${h.title} (${h.spaceKey})` })),
            );
          }
          break;
        }
        case 'user': {
          const ref = found.value as { displayName: string } | { email: string };
          const hits = (await resolver.findUsers(ref)).filter((u) =>
            'email' in ref ? u.email === undefined || same(u.email, ref.email) : same(u.displayName, ref.displayName),
          );
          const shown = 'email' in ref ? ref.email : ref.displayName;
          if (hits.length === 1) resolved(found, hits[0].accountId, hits[0].displayName);
          else if (hits.length === 0) unresolved(found, 'not_found', `No user "${shown}" was found on this site.`);
          else unresolved(found, 'ambiguous', `${hits.length} users match "${shown}"; pick one in review.`, hits.map((u) => ({ id: u.accountId, label: u.displayName })));
          break;
        }
        case 'group': {
          const ref = found.value as { groupName: string };
          if (!resolver.findGroups) {
            unresolved(found, 'lookup_failed', `Group "${ref.groupName}" can't be checked here; confirm it in review.`);
            break;
          }
          const hits = (await resolver.findGroups(ref.groupName)).filter((g) => same(g.name, ref.groupName));
          if (hits.length === 1) resolved(found, hits[0].id ?? hits[0].name, hits[0].name);
          else if (hits.length === 0) unresolved(found, 'not_found', `No group "${ref.groupName}" was found.`);
          else unresolved(found, 'ambiguous', `Several groups match "${ref.groupName}".`, hits.map((g) => ({ id: g.id ?? g.name, label: g.name })));
          break;
        }
      }
    } catch {
      // Fails closed: a lookup error leaves the reference unresolved, never guessed.
      unresolved(found, 'lookup_failed', `Looking up ${found.kind} ${JSON.stringify(found.value)} failed; it is left for the reviewer.`);
    }
  }
  return result;
}
