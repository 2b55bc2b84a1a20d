import type { ReviewAction } from '../../../policies/draft-rules.js';
import type { PolicyGate } from '../../../policies/gate.js';
import type { IssueTracker } from '../../adapters/issue-tracker.js';
import type { Page } from '../../domain/types.js';
import { InvalidInputError, UpstreamError } from '../../errors.js';
import { type Draft, type DraftFilter, DraftNotFoundError, type DraftStore, type Revision, RevisionChangedError } from '../../store/draft-store.js';
import { draftVisibleTo } from './evidence.js';
import { type JiraDraftPayload, buildIssueRequest, idempotencyLabel, previewIssue } from './jira-issue.js';
import { lineDiff, revisionText } from './revision-diff.js';

export interface JiraDraftInput {
  summary: string;
  description?: string;
  pageIds?: string[];
  question?: string;
  projectKey?: string;
  issueType?: string;
  labels?: string[];
}

export interface ExecutionReport {
  draft: Draft;
  /** Plain words for the reviewer: what happened, where. */
  message: string;
}

export type { Draft, DraftFilter, Revision };
export { DraftNotFoundError };

export interface DraftView {
  draft: Draft;
  revisions: Revision[];
  outbox: { id: number; target: string; request: unknown; createdAt: string } | undefined;
}

/** How far one listing scans to fill its page with drafts the reviewer may see. */
const LIST_SCAN_BATCHES = 20;

/**
 * The description when the agent gave none. It says only what is known: nothing about an
 * answer having been tried (draft_jira is called with or without one), just where to look.
 */
function defaultGap(question: string | null, pageCount: number): string {
  const see = [question ? 'the question asked' : '', pageCount > 0 ? (pageCount === 1 ? 'the affected page' : 'the affected pages') : ''].filter(Boolean);
  return `No description was given when this was drafted: the summary says what is missing${see.length ? `; see ${see.join(' and ')} below` : ''}.`;
}

/**
 * The queue's behaviour: agents draft through a gate; reviewers decide through a gate; only
 * an approval executes, exactly once, against Jira or the outbox. Executors for other kinds
 * (automation rules) plug in through `executors`.
 *
 * Every method that drafts, shows or decides takes the caller's gate and asks it first
 * (role, identity, read-only, review.reviewers, four eyes), so a front-end wired to this
 * service cannot skip a check. A reviewer sees, and may decide, only drafts whose evidence
 * they may read (visibleTo); any other draft is reported exactly like a missing one.
 */
export class DraftService {
  constructor(
    readonly store: DraftStore,
    private readonly tracker: IssueTracker | undefined,
    private readonly now: () => Date,
    private readonly executors: Partial<Record<Draft['kind'], (draft: Draft, gate: PolicyGate, resume: boolean) => Promise<ExecutionReport>>> = {},
    private readonly targets: Partial<Record<Draft['kind'], string>> = {},
    /** What still blocks a draft of this kind from running; empty when ready. */
    private readonly readiness: Partial<Record<Draft['kind'], (draft: Draft) => string[]>> = {},
  ) {}

  /** What still blocks this draft from running as it stands (empty when it could be approved). */
  blockers(draft: Draft): string[] {
    return this.readiness[draft.kind]?.(draft) ?? [];
  }

  /** Where this process sends a draft of this kind: the configured system, or the outbox. */
  targetFor(kind: Draft['kind']): string {
    if (kind === 'jira') return this.tracker ? 'jira' : 'outbox';
    return this.targets[kind] ?? 'outbox';
  }

  async draftJira(gate: PolicyGate, input: JiraDraftInput): Promise<{ draft: Draft; duplicate: boolean; preview: string }> {
    const tool = 'draft_jira';
    gate.authorizeDrafting(tool);
    gate.assertDraftLabels(tool, input.labels ?? []);
    const projectKey = gate.jiraProjectFor(tool, input.projectKey);
    const issueType = input.issueType ?? 'Task';
    gate.assertIssueType(tool, issueType);
    const pages: Page[] = [];
    for (const id of [...new Set(input.pageIds ?? [])]) pages.push(await gate.readDraftablePage(tool, id));

    const ownerPage = pages.find((page) => page.owner) ?? pages.find((page) => page.lastUpdatedBy);
    const ownerId = ownerPage ? (ownerPage.owner ?? ownerPage.lastUpdatedBy)! : undefined;
    const payload: JiraDraftPayload = {
      projectKey,
      issueType,
      summary: input.summary,
      gap: input.description?.trim() || defaultGap(input.question?.trim() || null, pages.length),
      question: input.question?.trim() || null,
      labels: [...new Set((input.labels ?? []).map((label) => label.toLowerCase()))].sort(),
      pages: pages.map((page) => ({ id: page.id, title: page.title, space: page.spaceKey, url: page.url })),
      likelyOwner: ownerId
        ? { accountId: ownerId, displayName: (await gate.displayNameOf(ownerId)) ?? null, source: ownerPage!.owner ? 'owner' : 'last editor' }
        : null,
    };

    const queued = await this.queue(gate, tool, { kind: 'jira', title: payload.summary, spaces: pages.map((page) => page.spaceKey), payload });
    return { ...queued, preview: previewIssue(payload) };
  }

  /**
   * Queues a draft of any kind as pending: an identical pending draft of the same user is
   * returned instead of a duplicate, and the hourly cap applies to new ones.
   */
  async queue(gate: PolicyGate, tool: string, input: { kind: Draft['kind']; title: string; spaces: string[]; payload: unknown }): Promise<{ draft: Draft; duplicate: boolean }> {
    gate.authorizeDrafting(tool);
    const drafter = gate.identity;
    const existing = await this.store.findPendingDuplicate(input.kind, drafter.accountId, input.payload);
    if (existing) {
      gate.record(tool, 'draft', 'allow', String(existing.id), 'identical pending draft returned');
      return { draft: existing, duplicate: true };
    }
    const draft = await this.store.createWithinQuota(
      {
        kind: input.kind,
        drafter: drafter.accountId,
        drafterName: drafter.displayName,
        role: gate.role,
        spaces: [...new Set(input.spaces)],
        title: input.title,
        payload: input.payload,
      },
      { since: new Date(this.now().getTime() - 3_600_000), authorize: (count) => gate.authorizeNewDraft(tool, count) },
    );
    return { draft, duplicate: false };
  }

  /** The raw record, for executors and tests; front-ends use `show`, which applies the reviewer's view. */
  get(id: number): Promise<Draft> {
    return this.store.get(id);
  }

  /**
   * Whether this reader may see the draft: every space it names is readable and every page it
   * rests on (Jira evidence pages, pages an automation rule resolved or offered as candidates)
   * is visible to them. The one rule for MCP, CLI, console and the trust report.
   */
  async visibleTo(gate: PolicyGate, draft: Draft, seen?: Map<string, Promise<boolean>>): Promise<boolean> {
    return draftVisibleTo(gate, draft, seen);
  }

  /** The drafts this reviewer may see (newest first, the limit filled from further rows), and how many others matched. */
  async list(gate: PolicyGate, filter: DraftFilter, tool = 'list_drafts'): Promise<{ drafts: Draft[]; hidden: number }> {
    await gate.authorizeReview(tool, 'list');
    const limit = filter.limit ?? 50;
    const drafts: Draft[] = [];
    let hidden = 0;
    let offset = 0;
    const seen = new Map<string, Promise<boolean>>();
    for (let batch = 0; batch < LIST_SCAN_BATCHES && drafts.length < limit; batch++) {
      const rows = await this.store.list({ ...filter, limit, offset });
      offset += rows.length;
      for (const draft of rows) {
        if (!(await this.visibleTo(gate, draft, seen))) hidden++;
        else if (drafts.length < limit) drafts.push(draft);
      }
      if (rows.length < limit) break;
    }
    gate.record(tool, 'list', 'allow', undefined, `${drafts.length} shown, ${hidden} not visible to this reviewer`);
    return { drafts, hidden };
  }

  /** One draft with its revisions and outbox entry, if this reviewer may see it; otherwise "No draft N". */
  async show(gate: PolicyGate, id: number, tool = 'get_draft'): Promise<DraftView> {
    await gate.authorizeReview(tool, 'show');
    const draft = await this.visibleOrMissing(gate, tool, id);
    const [revisions, outbox] = await Promise.all([this.store.revisions(id), this.store.outboxEntry(id)]);
    return { draft, revisions, outbox };
  }

  /** Counts for the queue header and the filter choices (no titles, no evidence). */
  async queueFacets(gate: PolicyGate, tool = 'review_console'): Promise<{ counts: Record<string, number>; drafters: { id: string; name: string }[]; spaces: string[] }> {
    await gate.authorizeReview(tool, 'list');
    const [counts, drafters, spaces] = await Promise.all([this.store.statusCounts(), this.store.drafters(), this.store.draftSpaces()]);
    return { counts, drafters, spaces };
  }

  async edit(gate: PolicyGate, id: number, changes: Partial<Pick<JiraDraftPayload, 'summary' | 'gap' | 'labels' | 'projectKey' | 'issueType' | 'question'>>, note?: string): Promise<Draft> {
    const draft = await this.decisionTarget(gate, 'edit_draft', 'edit', id);
    if (draft.kind !== 'jira') throw new InvalidInputError('Only Jira drafts have these fields; use replacePayload for other kinds.');
    const payload = { ...(draft.payload as JiraDraftPayload), ...stripUndefined(changes) };
    if (changes.projectKey) gate.assertJiraProject('edit_draft', payload.projectKey);
    if (changes.issueType) gate.assertIssueType('edit_draft', payload.issueType);
    if (changes.labels) {
      gate.assertDraftLabels('edit_draft', changes.labels);
      payload.labels = [...new Set(changes.labels.map((l) => l.toLowerCase()))].sort();
    }
    return this.store.edit(id, gate.identity.accountId, gate.role, payload, payload.summary, note);
  }

  /** The draft a reviewer is about to change, after the gate allowed it: hidden drafts are missing ones. */
  async decisionTarget(gate: PolicyGate, tool: string, action: ReviewAction, id: number): Promise<Draft> {
    await gate.authorizeReview(tool, action);
    const draft = await this.visibleOrMissing(gate, tool, id);
    await gate.authorizeReview(tool, action, draft);
    return draft;
  }

  /** Editing any kind's payload wholesale (automation rules use this). */
  async replacePayload(gate: PolicyGate, id: number, payload: unknown, title: string, note?: string): Promise<Draft> {
    await this.decisionTarget(gate, 'edit_draft', 'edit', id);
    return this.store.edit(id, gate.identity.accountId, gate.role, payload, title, note);
  }

  async reject(gate: PolicyGate, id: number, reason: string): Promise<Draft> {
    await this.decisionTarget(gate, 'reject_draft', 'reject', id);
    return this.store.reject(id, gate.identity.accountId, gate.role, reason);
  }

  /**
   * Approves `revision` (the one the reviewer saw) and executes it, or retries a failed draft.
   * Exactly one execution per approval. A different current revision refuses, with the diff.
   */
  async approve(gate: PolicyGate, id: number, revision: number): Promise<ExecutionReport> {
    const tool = 'approve_draft';
    await gate.authorizeReview(tool, 'approve');
    const current = await this.visibleOrMissing(gate, tool, id);
    const action = current.status === 'failed' ? 'retry' : 'approve';
    const draft = await this.decisionTarget(gate, tool, action, id);
    if (draft.revision !== revision) await this.refuseChanged(gate, tool, draft, revision);
    gate.authorizeApprovalOfEdits(tool, id, await this.editorsOf(id));
    if (action === 'retry') {
      const claimed = await this.store.claim(id, gate.identity.accountId, gate.role, 'retry', this.targetFor(draft.kind));
      if (!claimed) return { draft: await this.store.get(id), message: `Draft ${id} is already being executed by another process.` };
      return this.execute(claimed, gate, true);
    }
    // A draft that cannot run as it stands (e.g. a rule with fields left for a person) stays
    // pending, where it can still be edited.
    const missing = this.blockers(draft);
    if (missing.length > 0) {
      gate.record(tool, 'approve', 'deny', String(id), 'not ready');
      throw new InvalidInputError(`Draft ${id} is not ready to run: ${missing.join('; ')}. Edit it first.`);
    }
    try {
      await this.store.approve(id, gate.identity.accountId, gate.role, revision);
    } catch (error) {
      if (error instanceof RevisionChangedError) await this.refuseChanged(gate, tool, await this.store.get(id), revision);
      throw error;
    }
    const claimed = await this.store.claim(id, gate.identity.accountId, gate.role, 'execute', this.targetFor(draft.kind));
    if (!claimed) return { draft: await this.store.get(id), message: `Draft ${id} was approved; another process is executing it.` };
    return this.execute(claimed, gate, false);
  }

  /** Finishes executions whose process died (crash between "sent" and "recorded"). */
  async reconcile(gate: PolicyGate): Promise<ExecutionReport[]> {
    const orphans = await this.store.orphanedExecutions();
    if (orphans.length === 0) return [];
    await gate.authorizeReview('drafts', 'reconcile');
    const reports: ExecutionReport[] = [];
    for (const orphan of orphans) {
      const claimed = await this.store.claim(orphan.id, gate.identity.accountId, gate.role, 'reconcile', this.targetFor(orphan.kind));
      if (claimed) reports.push(await this.execute(claimed, gate, true));
    }
    return reports;
  }

  /** Who wrote a revision that changed the payload (a no-op edit changes nothing and does not count). */
  private async editorsOf(id: number): Promise<{ person: { accountId: string }; revision: number }[]> {
    const revisions = await this.store.revisions(id);
    return revisions
      .filter((r, index) => index > 0 && r.payloadHash !== revisions[index - 1].payloadHash)
      .map((r) => ({ person: { accountId: r.author }, revision: r.revision }));
  }

  private async visibleOrMissing(gate: PolicyGate, tool: string, id: number): Promise<Draft> {
    let draft: Draft;
    try {
      draft = await this.store.get(id);
    } catch (error) {
      if (error instanceof DraftNotFoundError) gate.record(tool, 'show', 'deny', String(id), 'missing or not visible');
      throw error;
    }
    if (!(await this.visibleTo(gate, draft))) {
      // Same error, same audit reason as a draft that does not exist.
      gate.record(tool, 'show', 'deny', String(id), 'missing or not visible');
      throw new DraftNotFoundError(id);
    }
    return draft;
  }

  /** Refuses an approval of a revision that is no longer current, showing what changed since. */
  private async refuseChanged(gate: PolicyGate, tool: string, draft: Draft, seen: number): Promise<never> {
    const revisions = await this.store.revisions(draft.id);
    const before = revisions.find((r) => r.revision === seen);
    const after = revisions.find((r) => r.revision === draft.revision);
    let changes = '';
    if (before && after) {
      const lines = lineDiff(revisionText(draft.kind, before.payload), revisionText(draft.kind, after.payload)).filter((line) => line.kind === 'add' || line.kind === 'del');
      const shown = lines.slice(0, 40).map((line) => `${line.kind === 'add' ? '+' : '-'} ${line.text.slice(0, 300)}`);
      if (lines.length > shown.length) shown.push(`… ${lines.length - shown.length} more changed lines`);
      changes = `\nWhat changed since revision ${seen}:\n${shown.join('\n')}`;
    } else if (!before) {
      changes = `\nRevision ${seen} does not exist; the draft has revisions 1 to ${draft.revision}.`;
    }
    gate.record(tool, 'approve', 'deny', String(draft.id), `revision ${seen} is not current (${draft.revision})`);
    throw new RevisionChangedError(draft.id, seen, draft.revision, changes);
  }

  private async execute(draft: Draft, gate: PolicyGate, resume: boolean): Promise<ExecutionReport> {
    const actor = gate.identity.accountId;
    try {
      if (draft.kind !== 'jira') {
        const executor = this.executors[draft.kind];
        if (!executor) throw new UpstreamError(`No executor for ${draft.kind} drafts is configured.`);
        return await executor(draft, gate, resume);
      }
      const payload = draft.payload as JiraDraftPayload;
      const request = buildIssueRequest(draft.id, payload, { drafter: draft.drafterName, reviewer: draft.decidedBy ? ((await gate.displayNameOf(draft.decidedBy)) ?? draft.decidedBy) : null });
      if (!this.tracker) {
        const done = await this.store.executeToOutbox(draft.id, actor, gate.role, 'jira', { method: 'POST', path: '/rest/api/3/issue', body: toJiraBody(request) });
        return {
          draft: done,
          message: `Jira is not configured: the exact request was written to the outbox (entry ${(done.result as { outboxId: number }).outboxId}). No Jira issue was created.`,
        };
      }
      // After a crash or timeout, look the idempotency label up before sending anything again.
      const existing = resume ? await this.tracker.findByIdempotencyLabel(idempotencyLabel(draft.id), payload.projectKey) : undefined;
      const issue = existing ?? (await this.tracker.createIssue(request));
      const done = await this.store.succeed(draft.id, actor, gate.role, 'jira', issue);
      return { draft: done, message: `${existing ? 'Found the issue created earlier' : 'Created'} ${issue.key}: ${issue.url}` };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failed = await this.store.fail(draft.id, actor, gate.role, reason);
      return { draft: failed, message: `Execution failed: ${reason} A reviewer can retry by approving it again.` };
    }
  }
}

/** The JSON body Jira's create-issue endpoint receives. */
export function toJiraBody(request: ReturnType<typeof buildIssueRequest>) {
  return {
    fields: {
      project: { key: request.projectKey },
      issuetype: { name: request.issueType },
      summary: request.summary,
      description: request.description,
      labels: request.labels,
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
