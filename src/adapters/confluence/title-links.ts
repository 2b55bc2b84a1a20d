/**
 * Title-only page links (`<ri:page ri:content-title="…">` with no id) turned into
 * `confluence-page:<id>`, for the Cloud and Data Center sources alike. Titles are learned from
 * every page a source sees and, for links not yet known, looked up — bounded, and only in the
 * spaces the caller may read: a link into any other space is neither looked up nor resolved, so
 * it stays plain text. Only for the token owner (whose permissions the lookups ran under).
 */
import type { PageMeta } from '../../domain/types.js';
import { mapLimit } from './limiter.js';
import { pageLinksInStorage, type StoragePageLink as PageLink } from './mapping.js';

const TITLE_CACHE_LIMIT = 5_000;
const PAGE_ID = /^\d{1,20}$/;

export interface TitleLinks {
  /** Notes a page's title, so links to it resolve without a lookup. */
  remember(meta: PageMeta): void;
  /** Looks up the unknown title links of `storage` that point into `allowed` spaces. */
  learn(storage: string, pageSpaceKey: string, allowed: readonly string[] | undefined): Promise<void>;
  /** The `resolvePageLink` for storageToMarkdown: ids always, titles only when `titles` is true. */
  resolver(pageSpaceKey: string, allowed: readonly string[] | undefined, titles: boolean): (link: PageLink) => string | undefined;
  clear(): void;
}

/**
 * The space a title link points into, as the caller's allowlist spells it; undefined when the
 * link's space is not in `allowed`. Global keys compare case-insensitively, personal (`~…`) keys
 * exactly, as the policy compares them.
 */
function linkSpace(linkSpaceKey: string | undefined, pageSpaceKey: string, allowed: readonly string[] | undefined): string | undefined {
  const key = (linkSpaceKey ?? pageSpaceKey).trim();
  if (allowed === undefined) return key;
  return allowed.find((candidate) => candidate === key || (!key.startsWith('~') && candidate.toUpperCase() === key.toUpperCase()));
}

/** `lookup(title, spaceKey)` runs a title query in one space and returns what it found. */
export function createTitleLinks(options: { maxLookups: number; concurrency: number; lookup: (title: string, spaceKey: string) => Promise<PageMeta[]> }): TitleLinks {
  /** `SPACEKEY\0lower-case title` → page id. */
  const titleIds = new Map<string, string>();
  const titleKey = (spaceKey: string, title: string) => `${spaceKey.toUpperCase()}\u0000${title.trim().toLowerCase()}`;
  const remember = (meta: PageMeta) => {
    if (titleIds.size >= TITLE_CACHE_LIMIT) titleIds.clear();
    titleIds.set(titleKey(meta.spaceKey, meta.title), meta.id);
  };
  return {
    remember,
    async learn(storage, pageSpaceKey, allowed) {
      const wanted = new Map<string, { title: string; spaceKey: string }>();
      for (const link of pageLinksInStorage(storage)) {
        if (link.contentId || !link.title) continue;
        const spaceKey = linkSpace(link.spaceKey, pageSpaceKey, allowed);
        if (spaceKey === undefined) continue; // outside the caller's spaces: no lookup, stays plain text
        const key = titleKey(spaceKey, link.title);
        if (!titleIds.has(key) && wanted.size < options.maxLookups) wanted.set(key, { title: link.title, spaceKey });
      }
      await mapLimit([...wanted.values()], options.concurrency, async ({ title, spaceKey }) => {
        try {
          for (const meta of await options.lookup(title, spaceKey)) remember(meta);
        } catch {
          // A link we cannot resolve stays plain text; it must not make the page unreadable.
        }
      });
    },
    resolver(pageSpaceKey, allowed, titles) {
      return (link) => {
        if (link.contentId && PAGE_ID.test(link.contentId)) return `confluence-page:${link.contentId}`;
        if (!titles || !link.title) return undefined;
        // Only into the caller's spaces, even when the title is already known from elsewhere.
        const linkedSpace = linkSpace(link.spaceKey, pageSpaceKey, allowed);
        if (linkedSpace === undefined) return undefined;
        const known = titleIds.get(titleKey(linkedSpace, link.title));
        return known ? `confluence-page:${known}` : undefined;
      };
    },
    clear: () => titleIds.clear(),
  };
}
