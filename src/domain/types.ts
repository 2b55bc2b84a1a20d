/**
 * Shapes shared by sources, the gate and the tools. Sources produce them; the gate filters
 * them; tools shape them for agents. Everything a tool shows an agent comes from here.
 */

/** The person the server acts for. In local mode it is a site user; on Cloud the token owner
 *  or an end user checked through the permission endpoint. */
export interface Identity {
  accountId: string;
  displayName: string;
  email?: string;
  /** Group names. Empty when the source enforces permissions itself (Cloud personal token). */
  groups: string[];
}

/**
 * One read restriction set: a reader must be one of `users` or in one of `groups`.
 * A page carries its own set plus one per restricted ancestor (Confluence inherits view
 * restrictions down the tree), and a reader must satisfy every set.
 */
export interface RestrictionSet {
  users: string[];
  groups: string[];
}

export interface PageMeta {
  id: string;
  title: string;
  spaceKey: string;
  url: string;
  parentId: string | null;
  labels: string[];
  created: string;
  updated: string;
  version: number;
  createdBy?: string;
  lastUpdatedBy?: string;
  owner?: string;
  /**
   * Effective read restrictions when the source leaves enforcement to us (local store).
   * `undefined` means the source already enforced the acting user's permissions
   * (Confluence with the user's own token) and the gate has nothing further to evaluate.
   */
  readRestrictions?: RestrictionSet[];
}

export interface PageSummary extends PageMeta {
  /** Plain text, no highlight markers. */
  excerpt: string;
}

export interface Page extends PageMeta {
  /** Markdown body. Internal links use `confluence-page:<id>`. */
  body: string;
}

/** One entry of a page's version history: who saved which version when, with its message. */
export interface PageVersion {
  number: number;
  /** ISO date-time. */
  when: string;
  /** accountId of the author, when the source knows it. */
  by?: string;
  /** The version comment; empty when none was given. */
  message: string;
}

export interface SpaceInfo {
  key: string;
  name: string;
  description?: string;
}

/** A group by its name (what restrictions, policies and rules name it by) and, on Cloud, its id. */
export interface GroupInfo {
  name: string;
  id?: string;
}

export interface UserInfo {
  accountId: string;
  displayName: string;
  email?: string;
  groups: string[];
}
