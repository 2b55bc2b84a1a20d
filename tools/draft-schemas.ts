import { z } from 'zod';
import type { Draft } from '../src/services/drafts/draft-service.js';
import { DRAFT_KINDS, DRAFT_STATUSES } from '../src/services/review/review-schemas.js';

/** One shape for a draft wherever a tool shows one. */
export const DraftSummary = z.object({
  id: z.number().int(),
  kind: z.enum(DRAFT_KINDS),
  status: z.enum(DRAFT_STATUSES),
  title: z.string(),
  drafter: z.string(),
  drafterName: z.string(),
  spaces: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  revision: z.number().int(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  rejectReason: z.string().nullable(),
  attempts: z.number().int(),
  target: z.string().nullable(),
  result: z.unknown(),
  failureReason: z.string().nullable(),
});

export function summarizeDraft(draft: Draft): z.output<typeof DraftSummary> {
  return {
    id: draft.id,
    kind: draft.kind,
    status: draft.status,
    title: draft.title,
    drafter: draft.drafter,
    drafterName: draft.drafterName,
    spaces: draft.spaces,
    createdAt: draft.createdAt,
    updatedAt: draft.updatedAt,
    revision: draft.revision,
    decidedBy: draft.decidedBy,
    decidedAt: draft.decidedAt,
    rejectReason: draft.rejectReason,
    attempts: draft.attempts,
    target: draft.target,
    result: draft.result,
    failureReason: draft.failureReason,
  };
}

export { DraftIdArg } from '../src/services/review/review-schemas.js';
