import type { PolicyGate } from '../../../policies/gate.js';
import type { IssueTracker } from '../../adapters/issue-tracker.js';
import type { Page } from '../../domain/types.js';
import { InvalidInputError, UpstreamError } from '../../errors.js';
import type { Draft, DraftFilter, DraftStore } from '../../store/draft-store.js';
import { type JiraDraftPayload, buildIssueRequest, idempotencyLabel, previewIssue } from './jira-issue.js';

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

const DEFAULT_GAP = 'Documentation is missing or unclear: an agent could not give a grounded answer from the pages its user can read.';

/**
 * The queue's behaviour: agents draft through a gate; reviewers decide through a gate; only
 * an approval executes, exactly once, against Jira or the outbox. Executors for other kinds
 * (automation rules) plug in through `executors`.
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

  /** Where this process sends a draft of this kind: the configured system, or the outbox. */
  targetFor(kind: Draft['kind']): string {
    if (kind === 'jira') return this.tracker ? 'jira' : 'outbox';
    return this.targets[kind] ?? 'outbox';
  }

  async draftJira(gate: PolicyGate, input: JiraDraftInput): Promise<{ draft: Draft; duplicate: boolean; preview: string }> {
    const tool = 'draft_jira';
    const projectKey = input.projectKey ?? gate.policy.jira.defaultProject;
    gate.assertJiraProject(tool, projectKey);
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
      gap: input.description?.trim() || DEFAULT_GAP,
      question: input.question?.trim() || null,
      labels: [...new Set((input.labels ?? []).map((label) => label.toLowerCase()))].sort(),
      pages: pages.map((page) => ({ id: page.id, title: page.title, space: page.spaceKey, url: page.url })),
      likelyOwner: ownerId
        ? { accountId: ownerId, displayName: (await gate.displayNameOf(ownerId)) ?? null, source: ownerPage!.owner ? 'owner' : 'last editor' }
        : null,
    };

    const queued = this.queue(gate, tool, { kind: 'jira', title: payload.summary, spaces: pages.map((page) => page.spaceKey), payload });
    return { ...queued, preview: previewIssue(payload) };
  }

  /**
   * Queues a draft of any kind as pending: an identical pending draft of the same user is
   * returned instead of a duplicate, and the hourly cap applies to new ones.
   */
  queue(gate: PolicyGate, tool: string, input: { kind: Draft['kind']; title: string; spaces: string[]; payload: unknown }): { draft: Draft; duplicate: boolean } {
    const drafter = gate.identity;
    const existing = this.store.findPendingDuplicate(input.kind, drafter.accountId, input.payload);
    if (existing) {
      gate.record(tool, 'draft', 'allow', String(existing.id), 'identical pending draft returned');
      return { draft: existing, duplicate: true };
    }
    gate.authorizeNewDraft(tool, this.store.countCreatedSince(drafter.accountId, new Date(this.now().getTime() - 3_600_000)));
    const draft = this.store.create({
      kind: input.kind,
      drafter: drafter.accountId,
      drafterName: drafter.displayName,
      role: gate.role,
      spaces: [...new Set(input.spaces)],
      title: input.title,
      payload: input.payload,
    });
    return { draft, duplicate: false };
  }

  list(filter: DraftFilter): Draft[] {
    return this.store.list(filter);
  }

  get(id: number): Draft {
    return this.store.get(id);
  }

  edit(gate: PolicyGate, id: number, changes: Partial<Pick<JiraDraftPayload, 'summary' | 'gap' | 'labels' | 'projectKey' | 'issueType' | 'question'>>, note?: string): Draft {
    const draft = this.store.get(id);
    gate.authorizeDecision('edit_draft', 'edit', draft);
    if (draft.kind !== 'jira') throw new InvalidInputError('Only Jira drafts have these fields; use replacePayload for other kinds.');
    const payload = { ...(draft.payload as JiraDraftPayload), ...stripUndefined(changes) };
    if (changes.projectKey) gate.assertJiraProject('edit_draft', payload.projectKey);
    if (changes.issueType) gate.assertIssueType('edit_draft', payload.issueType);
    if (changes.labels) payload.labels = [...new Set(changes.labels.map((l) => l.toLowerCase()))].sort();
    return this.store.edit(id, gate.identity.accountId, gate.role, payload, payload.summary, note);
  }

  /** Editing any kind's payload wholesale (automation rules use this). */
  replacePayload(gate: PolicyGate, id: number, payload: unknown, title: string, note?: string): Draft {
    const draft = this.store.get(id);
    gate.authorizeDecision('edit_draft', 'edit', draft);
    return this.store.edit(id, gate.identity.accountId, gate.role, payload, title, note);
  }

  reject(gate: PolicyGate, id: number, reason: string): Draft {
    const draft = this.store.get(id);
    gate.authorizeDecision('reject_draft', 'reject', draft);
    return this.store.reject(id, gate.identity.accountId, gate.role, reason);
  }

  /** Approves and executes (or retries a failed draft). Exactly one execution per approval. */
  async approve(gate: PolicyGate, id: number): Promise<ExecutionReport> {
    const draft = this.store.get(id);
    if (draft.status === 'failed') {
      gate.authorizeDecision('approve_draft', 'retry', draft);
      const claimed = this.store.claim(id, gate.identity.accountId, gate.role, 'retry', this.targetFor(draft.kind));
      if (!claimed) return { draft: this.store.get(id), message: `Draft ${id} is already being executed by another process.` };
      return this.execute(claimed, gate, true);
    }
    gate.authorizeDecision('approve_draft', 'approve', draft);
    // A draft that cannot run as it stands (e.g. a rule with fields left for a person) stays
    // pending, where it can still be edited.
    const missing = this.readiness[draft.kind]?.(draft) ?? [];
    if (missing.length > 0) {
      gate.record('approve_draft', 'approve', 'deny', String(id), 'not ready');
      throw new InvalidInputError(`Draft ${id} is not ready to run: ${missing.join('; ')}. Edit it first.`);
    }
    this.store.approve(id, gate.identity.accountId, gate.role);
    const claimed = this.store.claim(id, gate.identity.accountId, gate.role, 'execute', this.targetFor(draft.kind));
    if (!claimed) return { draft: this.store.get(id), message: `Draft ${id} was approved; another process is executing it.` };
    return this.execute(claimed, gate, false);
  }

  /** Finishes executions whose process died (crash between "sent" and "recorded"). */
  async reconcile(gate: PolicyGate): Promise<ExecutionReport[]> {
    const reports: ExecutionReport[] = [];
    for (const orphan of this.store.orphanedExecutions()) {
      const claimed = this.store.claim(orphan.id, gate.identity.accountId, gate.role, 'reconcile', this.targetFor(orphan.kind));
      if (claimed) reports.push(await this.execute(claimed, gate, true));
    }
    return reports;
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
        const done = this.store.executeToOutbox(draft.id, actor, gate.role, 'jira', { method: 'POST', path: '/rest/api/3/issue', body: toJiraBody(request) });
        return {
          draft: done,
          message: `Jira is not configured: the exact request was written to the outbox (entry ${(done.result as { outboxId: number }).outboxId}). No Jira issue was created.`,
        };
      }
      // After a crash or timeout, look the idempotency label up before sending anything again.
      const existing = resume ? await this.tracker.findByIdempotencyLabel(idempotencyLabel(draft.id), payload.projectKey) : undefined;
      const issue = existing ?? (await this.tracker.createIssue(request));
      const done = this.store.succeed(draft.id, actor, gate.role, 'jira', issue);
      return { draft: done, message: `${existing ? 'Found the issue created earlier' : 'Created'} ${issue.key}: ${issue.url}` };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failed = this.store.fail(draft.id, actor, gate.role, reason);
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
