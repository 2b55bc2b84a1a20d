import { z } from 'zod';
import type { Draft } from '../src/services/drafts/draft-service.js';
import type { PersonNames } from './people.js';
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
  decidedBy: z.string().nullable().describe('Account id of the reviewer who approved or rejected it'),
  decidedByName: z.string().nullable().describe('Display name of decidedBy (null when undecided or unknown)'),
  decidedAt: z.string().nullable(),
  rejectReason: z.string().nullable(),
  attempts: z.number().int(),
  target: z.string().nullable(),
  result: z.unknown(),
  failureReason: z.string().nullable(),
});

/** `names` is the call's person lookup (personNames), so a list names each reviewer once. */
export async function summarizeDraft(draft: Draft, names: PersonNames): Promise<z.output<typeof DraftSummary>> {
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
    decidedByName: await names(draft.decidedBy),
    decidedAt: draft.decidedAt,
    rejectReason: draft.rejectReason,
    attempts: draft.attempts,
    target: draft.target,
    result: draft.result,
    failureReason: draft.failureReason,
  };
}

export { DraftIdArg } from '../src/services/review/review-schemas.js';
