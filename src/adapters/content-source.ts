import type { GroupInfo, Identity, Page, PageMeta, PageSummary, PageVersion, SpaceInfo, UserInfo } from '../domain/types.js';

/**
 * What a source is asked. The gate fills it: `spaces` is already narrowed to the policy
 * allowlist (never empty) and `excludeLabels` carries the policy deny-list. `text` is the
 * agent's free text and must never be interpreted as query syntax by a source.
 */
export interface SearchRequest {
  text: string;
  spaces: string[];
  /** Page must carry at least one of these labels. */
  labels?: string[];
  excludeLabels: string[];
  /** ISO date or date-time; pages updated on or after it. */
  updatedSince?: string;
  limit: number;
  /** Position in the source's own result order to start from (a `next` of an earlier call); 0 when omitted. */
  start?: number;
}

/** One window of search results. */
export interface SearchResults {
  pages: PageSummary[];
  /**
   * Where the next window starts, in the source's own result order, when there may be more.
   * It counts rows the acting user may not read, so it must never reach an agent unsealed
   * (policies/search-cursor.ts seals it).
   */
  next?: number;
}

/** Narrowing for navigation: the gate passes the read allowlist and the label deny-list. */
export interface TreeRequest {
  spaces: string[];
  excludeLabels: string[];
}

export interface ListRequest {
  spaces: string[];
  excludeLabels: string[];
  /** Only pages updated before this ISO date-time (used by staleness scans). */
  updatedBefore?: string;
  /** Only pages updated on or after this ISO date-time. */
  updatedSince?: string;
}

export interface GetPageOptions {
  /**
   * Spaces the caller may read (the gate passes the policy's read allowlist). Links the source
   * resolves by title point at pages only in these spaces: no lookup is sent for any other space,
   * and a link there stays plain text. Omitted: no narrowing. Sources that resolve no links by
   * lookup (local) ignore it.
   */
  spaces?: readonly string[];
}

/**
 * A place pages come from. Implementations: `local` (SQLite FTS5 over a site folder) and
 * `confluence` (Confluence Cloud through confluence.js, or Confluence Data Center over its REST
 * v1 API: confluence/dc-source.ts). Callers go through the policy gate,
 * never to a source directly.
 *
 * Contract for every implementation: a page the acting user may not read is reported exactly
 * like a missing one (`undefined`, or simply absent from results).
 */
export interface ContentSource {
  readonly kind: 'local' | 'confluence';
  /** One human line for the start-up banner, e.g. "local site demo-site (42 pages)". */
  describe(): string;
  search(request: SearchRequest, as: Identity): Promise<SearchResults>;
  getPage(id: string, as: Identity, options?: GetPageOptions): Promise<Page | undefined>;
  /** Metadata of every page the user can read in the given spaces, newest first. */
  listPages(request: ListRequest, as: Identity): AsyncIterable<PageMeta>;
  /** Exact, case-insensitive title match within the given spaces. */
  findPagesByTitle(title: string, spaces: string[], as: Identity): Promise<PageMeta[]>;
  listSpaces(): Promise<SpaceInfo[]>;
  /** Direct children of a page that the user can read, in the request's spaces, by title. Empty when the page itself is not readable. */
  getChildren(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]>;
  /** Ancestors of a readable page, root first (breadcrumb); those outside the request (spaces, labels) or unreadable are left out. */
  getAncestors(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]>;
  /** Up to `limit` versions of a readable page, newest first; `undefined` when the page is missing or unreadable. */
  getHistory(id: string, limit: number, as: Identity): Promise<PageVersion[] | undefined>;
  /** Look a user up by accountId, email or display name (exact, case-insensitive). */
  findUser(ref: string): Promise<UserInfo | undefined>;
  /**
   * Every user with this email or exact display name (case-insensitive), so a caller can tell a
   * missing person from an ambiguous name. At most `limit` (default 10).
   */
  findUsers(ref: string, limit?: number): Promise<UserInfo[]>;
  /** Groups with exactly this name (case-insensitive); groups are not restricted content. */
  findGroups(name: string): Promise<GroupInfo[]>;
  close(): Promise<void>;
}
