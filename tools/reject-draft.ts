import { z } from 'zod';
import { RejectDraftShape } from '../src/services/review/review-schemas.js';
import { defineTool } from './define-tool.js';
import { DraftSummary, summarizeDraft } from './draft-schemas.js';
import { personNames } from './people.js';

export const rejectDraft = defineTool({
  name: 'reject_draft',
  title: 'Reject a draft with a reason',
  description: 'Rejects a pending draft with a reason (kept with it); nothing is executed.',
  access: 'review',
  toolset: 'drafts',
  writes: true,
  hints: { idempotentHint: false, destructiveHint: false },
  input: z.object(RejectDraftShape),
  output: DraftSummary,
  async handler(args, { gate, services }) {
    return { structured: await summarizeDraft(await services.review.reject(gate, args), personNames(gate)) };
  },
});
