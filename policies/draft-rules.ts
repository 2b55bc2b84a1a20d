import type { Identity } from '../src/domain/types.js';
import { PolicyDeniedError } from '../src/errors.js';
import { type PersonRecord, namedIn, samePerson } from './identity.js';
import type { Policy } from './policy-schema.js';
import type { Role } from './tool-access.js';

/**
 * The draft lifecycle as the policy sees it: which transitions exist, who may make them,
 * and how many drafts an agent may queue. Pure functions; the store applies them.
 */
export type DraftStatus = 'pending' | 'approved' | 'executing' | 'executed' | 'failed' | 'rejected';
export type DraftAction = 'edit' | 'approve' | 'reject' | 'execute' | 'succeed' | 'fail' | 'retry' | 'reconcile';

const TRANSITIONS: Record<DraftAction, { from: DraftStatus[]; to: DraftStatus }> = {
  edit: { from: ['pending'], to: 'pending' },
  approve: { from: ['pending'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  execute: { from: ['approved'], to: 'executing' },
  succeed: { from: ['executing'], to: 'executed' },
  fail: { from: ['executing'], to: 'failed' },
  retry: { from: ['failed'], to: 'executing' },
  // Taking over an execution whose process died: still executing, new owner.
  reconcile: { from: ['executing'], to: 'executing' },
};

export function transitionTarget(action: DraftAction, from: DraftStatus): DraftStatus | undefined {
  const rule = TRANSITIONS[action];
  return rule.from.includes(from) ? rule.to : undefined;
}

export function allowedFrom(action: DraftAction): DraftStatus[] {
  return [...TRANSITIONS[action].from];
}

export type ReviewAction = 'list' | 'show' | 'edit' | 'approve' | 'reject' | 'retry' | 'reconcile';

/** What runs something outside the queue (Jira, the outbox) or changes what would run. */
const WRITES_OUTWARD: ReviewAction[] = ['approve', 'retry', 'reconcile', 'edit'];

/**
 * Who may work the queue. Fails closed, in this order: the role must be reviewer, the
 * identity must be known, read-only mode stops everything that executes or changes a draft,
 * and the policy must name the reviewer (review.reviewers users by account id or email,
 * or groups). Without review.reviewers nobody may review.
 */
export function assertMayReview(policy: Policy, identity: Identity, role: Role, action: ReviewAction): void {
  if (role !== 'reviewer') throw new PolicyDeniedError(`Only reviewers may ${action} drafts; this session acts in role ${role}.`);
  if (identity.accountId.trim() === '') throw new PolicyDeniedError(`A known reviewer identity is required to ${action} drafts.`);
  if (policy.readOnly && WRITES_OUTWARD.includes(action)) {
    throw new PolicyDeniedError(`The policy is read-only: drafts cannot be ${action === 'edit' ? 'edited' : 'approved or executed'} (readOnly: true).`);
  }
  const reviewers = policy.review.reviewers;
  if (reviewers === undefined) {
    throw new PolicyDeniedError('The policy names no reviewers (review.reviewers), so nobody may review drafts. Add reviewers by account id, email or group.');
  }
  const groups = new Set(identity.groups);
  if (!namedIn(reviewers.users, identity) && !reviewers.groups.some((group) => groups.has(group))) {
    throw new PolicyDeniedError(`${identity.displayName || identity.accountId} is not a reviewer named by the policy (review.reviewers).`);
  }
}

/**
 * The tokens file must agree with the policy: every user it gives role reviewer must be a
 * reviewer the policy names, or that token would open a console (or session) that can do
 * nothing but be refused. Returns one line per disagreement.
 */
export function reviewerTokenProblems(policy: Policy, reviewers: readonly Identity[]): string[] {
  return reviewers.flatMap((identity) => {
    try {
      assertMayReview({ ...policy, readOnly: false }, identity, 'reviewer', 'list');
      return [];
    } catch (error) {
      return [`${identity.displayName || identity.accountId} (${identity.accountId}) has role reviewer in the tokens file, but ${error instanceof PolicyDeniedError && /names no reviewers/.test(error.message) ? 'the policy names no reviewers (review.reviewers)' : 'is not in review.reviewers'}`];
    }
  });
}

/**
 * Four eyes, on canonical identities: whoever approves (or retries) must not be the drafter
 * under any spelling (account id, email, display name). Fails closed: an empty reviewer
 * identity decides nothing.
 */
export function assertMayDecide(reviewer: PersonRecord, drafter: readonly PersonRecord[], action: 'approve' | 'reject' | 'edit' | 'retry'): void {
  if (reviewer.accountId.trim() === '') throw new PolicyDeniedError(`A reviewer identity is required to ${action} a draft.`);
  if ((action === 'approve' || action === 'retry') && samePerson([reviewer], drafter)) {
    throw new PolicyDeniedError(`You drafted this yourself; another reviewer must ${action} it (four-eyes rule).`);
  }
}

/**
 * Four eyes on content: unless the policy lets editors approve, whoever approves must not have
 * written a revision that changed the payload (`editors`: the authors of such revisions, with the
 * revision each changed).
 */
export function assertNotEditor(policy: Policy, reviewer: PersonRecord, editors: readonly { person: PersonRecord; revision: number }[]): void {
  if (policy.review.editorsMayApprove) return;
  const own = editors.filter((editor) => samePerson([reviewer], [editor.person]));
  if (own.length > 0) {
    throw new PolicyDeniedError(
      `You changed this draft (revision ${own.map((e) => e.revision).join(', ')}); another reviewer must approve it (four-eyes rule).`,
    );
  }
}

/** Labels the executor reserves for idempotency; a draft may not carry one of its own. */
export const IDEMPOTENCY_LABEL = /^steward-draft-/i;

export function assertOwnLabels(labels: readonly string[]): void {
  const reserved = labels.filter((label) => IDEMPOTENCY_LABEL.test(label.trim()));
  if (reserved.length > 0) {
    throw new PolicyDeniedError(`Labels starting with "steward-draft-" are reserved for the idempotency key the server adds itself; remove ${reserved.map((l) => JSON.stringify(l.slice(0, 60))).join(', ')}.`);
  }
}

/** Per-user cap on drafts created in the last hour. Fails closed at a cap of 0. */
export function assertDraftQuota(createdLastHour: number, limitPerHour: number): void {
  if (createdLastHour >= limitPerHour) {
    throw new PolicyDeniedError(
      `Draft limit reached: ${limitPerHour} drafts per hour per user. Ask a reviewer to work through the queue, or try again later.`,
    );
  }
}
