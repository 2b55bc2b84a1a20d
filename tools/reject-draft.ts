import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { DraftIdArg, DraftSummary, summarizeDraft } from './draft-schemas.js';

export const rejectDraft = defineTool({
  name: 'reject_draft',
  title: 'Reject a draft with a reason',
  description: 'Rejects a pending draft. The reason is required and kept with the draft; nothing is executed.',
  access: 'review',
  hints: { idempotentHint: false, destructiveHint: false },
  input: z.object({ draftId: DraftIdArg, reason: z.string().trim().min(3).max(1000).describe('Why it is rejected') }),
  output: DraftSummary,
  async handler(args, { gate, services }) {
    return { structured: summarizeDraft(services.drafts.reject(gate, args.draftId, args.reason)) };
  },
});
