import type { ContentSource, GetPageOptions, TreeRequest } from '../src/adapters/content-source.js';
import type { Identity, Page, PageMeta, PageSummary, PageVersion } from '../src/domain/types.js';
import { PageNotFoundError, PolicyDeniedError } from '../src/errors.js';
import type { AuditSink } from './audit.js';
import { type ReviewAction, assertDraftQuota, assertMayDecide, assertMayReview, assertNotEditor, assertOwnLabels } from './draft-rules.js';
import type { PersonRecord } from './identity.js';
import { openCursor, sealCursor } from './search-cursor.js';
import type { Policy } from './policy-schema.js';
import { canRead } from './restrictions.js';
import { narrowSpaces, spaceAllowed } from './space-allowlist.js';
import { type Role, type ToolAccess, toolAllowed } from './tool-access.js';

export interface SearchArgs {
  text: string;
  spaces?: string[];
  labels?: string[];
  updatedSince?: string;
  limit: number;
  /** The `cursor` of an earlier window of the same search (see searchWindow). */
  cursor?: string;
}

/** A page with where it sits: breadcrumb (root first), direct children and recent versions, all visible to the reader. */
export interface PageTree {
  page: Page;
  ancestors: PageMeta[];
  children: PageMeta[];
  versions: PageVersion[];
}

export interface ListArgs {
  spaces?: string[];
  pageIds?: string[];
  updatedBefore?: string;
  updatedSince?: string;
}

/**
 * The one path from tools to content. Tools receive a gate, never a source: the gate
 * narrows every request to the policy, asks the source as the acting user, and filters every
 * answer again (defence in depth) before anything reaches a tool. Every decision is audited.
 *
 * A page that is missing, restricted, in a space outside the allowlist or carrying a denied
 * label is reported identically: PageNotFoundError, or simply absent from results.
 */
export class PolicyGate {
  constructor(
    readonly policy: Policy,
    readonly identity: Identity,
    readonly role: Role,
    private readonly source: ContentSource,
    private readonly audit: AuditSink,
  ) {}

  /** Tool-level rule: role and read-only mode. The registry already omits such tools; this is the backstop. */
  authorizeTool(tool: string, access: ToolAccess): void {
    if (!toolAllowed(access, this.role, this.policy.readOnly)) {
      this.record(tool, 'call', 'deny', undefined, `access ${access} not allowed for role ${this.role}${this.policy.readOnly ? ' (read-only)' : ''}`);
      throw new PolicyDeniedError(`Tool ${tool} is not available.`);
    }
  }

  readSpaces(requested?: string[]): string[] {
    return narrowSpaces(this.policy.read.spaces, requested, 'read');
  }

  draftSpaces(requested?: string[]): string[] {
    return narrowSpaces(this.policy.draft.spaces, requested, 'draft');
  }

  /** Whether drafts may reference pages of this space (draft allowlist). */
  isDraftableSpace(spaceKey: string): boolean {
    return spaceAllowed(this.policy.draft.spaces, spaceKey);
  }

  /** Policy-level visibility of a page the source returned for this user. */
  isVisible(page: PageMeta): boolean {
    // Fails closed: a page outside the read allowlist, with a denied label, or whose
    // restrictions the acting user does not satisfy is invisible.
    if (!spaceAllowed(this.policy.read.spaces, page.spaceKey)) return false;
    const deny = this.policy.labels.deny;
    if (page.labels.some((label) => deny.includes(label.toLowerCase()))) return false;
    return canRead(this.identity, page.readRestrictions);
  }

  async searchPages(tool: string, args: SearchArgs): Promise<PageSummary[]> {
    return (await this.searchWindow(tool, args)).pages;
  }

  /**
   * One window of a search, and a cursor for the next when there may be more. The source's
   * position counts rows the reader may not see, so it leaves the gate only sealed
   * (policies/search-cursor.ts), bound to this reader and this search.
   */
  async searchWindow(tool: string, args: SearchArgs): Promise<{ pages: PageSummary[]; cursor?: string }> {
    const spaces = this.guarded(tool, 'search', () => this.readSpaces(args.spaces));
    const labels = args.labels?.map((label) => label.toLowerCase());
    const scope = { reader: this.identity.accountId, search: { text: args.text, spaces, labels: labels ?? null, updatedSince: args.updatedSince ?? null } };
    const start = args.cursor === undefined ? undefined : this.guarded(tool, 'search-cursor', () => openCursor(args.cursor!, scope));
    const { pages: results, next } = await this.source.search(
      {
        text: args.text,
        spaces,
        labels,
        excludeLabels: this.policy.labels.deny,
        updatedSince: args.updatedSince,
        limit: args.limit,
        start,
      },
      this.identity,
    );
    const visible = results.filter((page) => this.isVisible(page) && spaces.includes(page.spaceKey));
    this.record(tool, 'search', 'allow', spaces.join(','), `${visible.length} results`);
    return next === undefined ? { pages: visible } : { pages: visible, cursor: sealCursor(next, scope) };
  }

  /**
   * A visible page with its breadcrumb, children and latest versions. The page is read first:
   * a page the reader may not see is PageNotFoundError, like everywhere, and nothing about its
   * neighbours is asked. Ancestors and children the reader may not see are left out, not
   * counted or hinted at.
   */
  async pageTree(tool: string, id: string, versions: number): Promise<PageTree> {
    const page = await this.readPage(tool, id);
    const tree = this.treeRequest();
    const [ancestors, children, history] = await Promise.all([
      this.source.getAncestors(page.id, tree, this.identity),
      this.source.getChildren(page.id, tree, this.identity),
      this.source.getHistory(page.id, versions, this.identity),
    ]);
    const visible = (meta: PageMeta) => this.isVisible(meta) && tree.spaces.includes(meta.spaceKey);
    this.record(tool, 'navigate', 'allow', page.id);
    return { page, ancestors: ancestors.filter(visible), children: children.filter(visible).filter((child) => child.id !== page.id), versions: history ?? [] };
  }

  /**
   * A page's parent id when the reader may see the parent, else null. Restrictions are inherited,
   * but labels are not: a readable page can sit under one with a denied label, and its id alone
   * would point at a page that reads as missing everywhere else.
   */
  async visibleParentId(page: PageMeta): Promise<string | null> {
    if (page.parentId === null) return null;
    return (await this.mayReadAll([page.parentId], [page.spaceKey])) ? page.parentId : null;
  }

  /** Readable spaces (policy allowlist ∩ the source's spaces) with the number of pages this reader can see in each. */
  async readableSpaces(tool: string): Promise<{ key: string; name: string; description?: string; pages: number }[]> {
    const spaces = (await this.source.listSpaces()).filter((space) => spaceAllowed(this.policy.read.spaces, space.key));
    const counts = new Map<string, number>();
    if (spaces.length > 0) {
      // Counted from the pages this reader is shown, so a hidden page never adds one.
      for await (const page of this.listPages(tool, { spaces: spaces.map((space) => space.key) })) counts.set(page.spaceKey, (counts.get(page.spaceKey) ?? 0) + 1);
    }
    this.record(tool, 'list-spaces', 'allow', 'read', `${spaces.length} spaces`);
    return spaces.map((space) => ({ key: space.key, name: space.name, ...(space.description ? { description: space.description } : {}), pages: counts.get(space.key) ?? 0 }));
  }

  async readPage(tool: string, id: string): Promise<Page> {
    const page = await this.source.getPage(id, this.identity, this.pageOptions());
    if (page === undefined || !this.isVisible(page)) {
      this.record(tool, 'read', 'deny', id, 'missing or not visible');
      throw new PageNotFoundError(id);
    }
    this.record(tool, 'read', 'allow', id);
    return page;
  }

  /** Like readPage, but for pages the caller wants to draft against: the page's real space must be draftable. */
  async readDraftablePage(tool: string, id: string): Promise<Page> {
    const page = await this.readPage(tool, id);
    if (!this.isDraftableSpace(page.spaceKey)) {
      this.record(tool, 'draft-target', 'deny', id, `space ${page.spaceKey} not in draft.spaces`);
      throw new PolicyDeniedError(
        `Page ${id} is in space ${page.spaceKey}, which the policy does not allow drafting against. Draft spaces: ${this.policy.draft.spaces.join(', ') || '(none)'}.`,
      );
    }
    return page;
  }

  /** Metadata of every visible page in the allowed (or requested) spaces. */
  async *listPages(tool: string, args: ListArgs): AsyncGenerator<PageMeta> {
    const spaces = this.guarded(tool, 'list', () => this.readSpaces(args.spaces));
    let count = 0;
    for await (const page of this.source.listPages(
      { spaces, excludeLabels: this.policy.labels.deny, updatedBefore: args.updatedBefore, updatedSince: args.updatedSince },
      this.identity,
    )) {
      if (!this.isVisible(page) || !spaces.includes(page.spaceKey)) continue;
      count++;
      yield page;
    }
    this.record(tool, 'list', 'allow', spaces.join(','), `${count} pages`);
  }

  /**
   * Up to `limit` visible pages, most recently updated first, that `keep` accepts, looking at no
   * more than `scan` of them (the recent set behind resources/list and title completion: bounded
   * work per request, whatever the site's size). Hidden pages are never looked at by `keep`.
   */
  async recentPages(tool: string, args: { limit: number; scan?: number; spaces?: string[]; keep?: (page: PageMeta) => boolean }): Promise<PageMeta[]> {
    const spaces = this.guarded(tool, 'recent', () => this.readSpaces(args.spaces));
    const scan = Math.max(args.scan ?? args.limit, args.limit);
    const found: PageMeta[] = [];
    let seen = 0;
    for await (const page of this.source.listPages({ spaces, excludeLabels: this.policy.labels.deny }, this.identity)) {
      if (++seen > scan || found.length >= args.limit) break;
      if (!this.isVisible(page) || !spaces.includes(page.spaceKey)) continue;
      if (args.keep === undefined || args.keep(page)) found.push(page);
    }
    this.record(tool, 'recent', 'allow', spaces.join(','), `${found.length} pages`);
    return found;
  }

  async findPagesByTitle(tool: string, title: string, spaces?: string[]): Promise<PageMeta[]> {
    const scoped = this.guarded(tool, 'find-title', () => this.readSpaces(spaces));
    const pages = await this.source.findPagesByTitle(title, scoped, this.identity);
    return pages.filter((page) => this.isVisible(page) && scoped.includes(page.spaceKey));
  }

  /**
   * The project a Jira draft targets: the one asked for, else `jira.defaultProject`. A policy
   * that names no Jira project (the default) allows no Jira drafts, and says which keys to set.
   */
  jiraProjectFor(tool: string, requested: string | undefined): string {
    const { projects, defaultProject } = this.policy.jira;
    if (projects.length === 0) {
      this.record(tool, 'jira-project', 'deny', requested, 'policy names no Jira project');
      throw new PolicyDeniedError(
        'The policy names no Jira project, so no Jira issue can be drafted. An operator can allow it by setting jira.projects (and jira.defaultProject) in the policy file.',
      );
    }
    const projectKey = requested ?? defaultProject;
    if (projectKey === undefined) {
      this.record(tool, 'jira-project', 'deny', undefined, 'no projectKey and no jira.defaultProject');
      throw new PolicyDeniedError(`Name a projectKey: the policy sets no jira.defaultProject. Allowed projects: ${projects.join(', ')}.`);
    }
    this.assertJiraProject(tool, projectKey);
    return projectKey;
  }

  assertJiraProject(tool: string, projectKey: string): void {
    if (!this.policy.jira.projects.includes(projectKey)) {
      this.record(tool, 'jira-project', 'deny', projectKey, 'not in jira.projects');
      throw new PolicyDeniedError(
        `Jira project ${quoted(projectKey)} is not allowed by the policy. Allowed projects: ${this.policy.jira.projects.join(', ') || '(none: the policy sets no jira.projects)'}.`,
      );
    }
  }

  /** Drafting is for agents, and not in read-only mode (the registry already omits the tools; this is the backstop). */
  authorizeDrafting(tool: string): void {
    this.authorizeTool(tool, 'draft');
  }

  /** Labels an agent or reviewer puts on a draft: the idempotency prefix is reserved. */
  assertDraftLabels(tool: string, labels: readonly string[]): void {
    this.guarded(tool, 'draft-labels', () => assertOwnLabels(labels));
  }

  /**
   * Every review action passes here: role reviewer, a known identity, read-only mode, the
   * policy's reviewer list, and for approvals four eyes on canonical identities. The drafter
   * is compared under every spelling we know (the stored id and name, and the source's record
   * for that id); if the source cannot be asked, the approval is refused rather than guessed.
   */
  async authorizeReview(tool: string, action: ReviewAction, draft?: { id: number; drafter: string; drafterName: string }): Promise<void> {
    const subject = draft ? String(draft.id) : undefined;
    try {
      assertMayReview(this.policy, this.identity, this.role, action);
      if (draft && (action === 'approve' || action === 'retry' || action === 'edit' || action === 'reject')) {
        const drafter: PersonRecord[] = [{ accountId: draft.drafter, displayName: draft.drafterName }];
        if (action === 'approve' || action === 'retry') {
          let known;
          try {
            known = await this.source.findUser(draft.drafter);
          } catch {
            throw new PolicyDeniedError(`Could not confirm who drafted draft ${draft.id}, so it cannot be approved now; try again later.`);
          }
          if (known) drafter.push({ accountId: known.accountId, email: known.email, displayName: known.displayName });
        }
        assertMayDecide(this.identity, drafter, action);
      }
    } catch (error) {
      if (error instanceof PolicyDeniedError) this.record(tool, action, 'deny', subject, error.message);
      throw error;
    }
  }

  /** Four eyes on content: the approver wrote none of the revisions that changed the draft (unless the policy allows it). */
  authorizeApprovalOfEdits(tool: string, draftId: number, editors: readonly { person: PersonRecord; revision: number }[]): void {
    try {
      assertNotEditor(this.policy, this.identity, editors);
    } catch (error) {
      if (error instanceof PolicyDeniedError) this.record(tool, 'approve', 'deny', String(draftId), error.message);
      throw error;
    }
  }

  /**
   * Whether this reader may see everything a draft rests on: its spaces are readable under the
   * policy and every evidence page is visible to them. One summary row is audited by the caller;
   * individual probes are not, so a queue listing does not flood the trail.
   */
  async mayReadAll(pageIds: readonly string[], spaces: readonly string[], seen?: Map<string, Promise<boolean>>): Promise<boolean> {
    if (!spaces.every((space) => spaceAllowed(this.policy.read.spaces, space))) return false;
    for (const id of new Set(pageIds)) {
      let visible = seen?.get(id);
      if (!visible) {
        visible = this.source.getPage(id, this.identity, this.pageOptions()).then(
          (page) => page !== undefined && this.isVisible(page),
          (error: unknown) => {
            if (error instanceof PageNotFoundError) return false;
            throw error;
          },
        );
        seen?.set(id, visible);
      }
      if (!(await visible)) return false;
    }
    return true;
  }

  /** Per-user cap on drafts per hour (policy limits). */
  authorizeNewDraft(tool: string, createdLastHour: number): void {
    this.guarded(tool, 'draft-quota', () => assertDraftQuota(createdLastHour, this.policy.limits.pendingDraftsPerHour));
  }

  assertIssueType(tool: string, issueType: string): void {
    if (!this.policy.jira.issueTypes.includes(issueType)) {
      this.record(tool, 'issue-type', 'deny', issueType, 'not in jira.issueTypes');
      throw new PolicyDeniedError(`Issue type ${quoted(issueType)} is not allowed. Allowed: ${this.policy.jira.issueTypes.join(', ')}.`);
    }
  }

  /** Spaces of the given allowlist that exist in the source (names included, for resolution by name). */
  async listSpaces(tool: string, purpose: 'read' | 'draft'): Promise<{ key: string; name: string }[]> {
    const allowed = purpose === 'read' ? this.policy.read.spaces : this.policy.draft.spaces;
    const spaces = await this.source.listSpaces();
    this.record(tool, 'list-spaces', 'allow', purpose);
    return spaces.filter((space) => spaceAllowed(allowed, space.key)).map((space) => ({ key: space.key, name: space.name }));
  }

  /** A person by accountId, email or exact display name (people are not restricted content). */
  async findUser(tool: string, ref: string): Promise<{ accountId: string; displayName: string; email?: string } | undefined> {
    const user = await this.source.findUser(ref);
    this.record(tool, 'find-user', 'allow', undefined, user ? 'found' : 'not found');
    return user ? { accountId: user.accountId, displayName: user.displayName, email: user.email } : undefined;
  }

  /** Every person matching an email or exact display name, so an ambiguous name can be told from a missing one. */
  async findUsers(tool: string, ref: string): Promise<{ accountId: string; displayName: string; email?: string }[]> {
    const users = await this.source.findUsers(ref, 10);
    this.record(tool, 'find-users', 'allow', undefined, `${users.length} found`);
    return users.map((user) => ({ accountId: user.accountId, displayName: user.displayName, email: user.email }));
  }

  /** Groups with exactly this name (groups, like people, are not restricted content). */
  async findGroups(tool: string, name: string): Promise<{ name: string; id?: string }[]> {
    const groups = await this.source.findGroups(name);
    this.record(tool, 'find-group', 'allow', undefined, `${groups.length} found`);
    return groups.map((group) => ({ name: group.name, ...(group.id ? { id: group.id } : {}) }));
  }

  /** Display name for an account id (people are not restricted content); undefined if unknown. */
  async displayNameOf(accountId: string): Promise<string | undefined> {
    return (await this.source.findUser(accountId))?.displayName;
  }

  /** Records an allow/deny decision made elsewhere under this gate's identity. */
  record(tool: string, action: string, decision: 'allow' | 'deny', subject?: string, reason?: string): void {
    // Bounded: whatever a caller passed in, one audit row stays small.
    this.audit.record({ actor: this.identity.accountId, role: this.role, tool, action, decision, subject: bounded(subject, 200), reason: bounded(reason, 1000) });
  }

  /** What navigation may show: the read allowlist's spaces that exist as keys, without denied labels. */
  private treeRequest(): TreeRequest {
    return { spaces: this.readSpaces(), excludeLabels: this.policy.labels.deny };
  }

  /** What a source may resolve while reading a page: title links only into the read allowlist. */
  private pageOptions(): GetPageOptions {
    return { spaces: this.policy.read.spaces };
  }

  private guarded<T>(tool: string, action: string, decide: () => T): T {
    try {
      return decide();
    } catch (error) {
      if (error instanceof PolicyDeniedError) this.record(tool, action, 'deny', undefined, error.message);
      throw error;
    }
  }
}

function bounded(value: string | undefined, max: number): string | undefined {
  return value === undefined || value.length <= max ? value : `${value.slice(0, max)}… (${value.length} chars)`;
}

/** A caller's value inside a message: quoted, and cut so a refusal never echoes unbounded input. */
export function quoted(value: string, max = 60): string {
  return value.length <= max ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, max))}… (${value.length} chars)`;
}
