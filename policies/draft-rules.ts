import { PolicyDeniedError } from '../src/errors.js';

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

/** Four eyes. Fails closed: an empty reviewer identity decides nothing. */
export function assertMayDecide(reviewer: string, drafter: string, action: 'approve' | 'reject' | 'edit' | 'retry'): void {
  if (reviewer.trim() === '') throw new PolicyDeniedError(`A reviewer identity is required to ${action} a draft.`);
  if ((action === 'approve' || action === 'retry') && reviewer === drafter) {
    throw new PolicyDeniedError(`You drafted this yourself; another reviewer must ${action} it (four-eyes rule).`);
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
