import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { DraftIdArg, DraftSummary, summarizeDraft } from './draft-schemas.js';

export const approveDraft = defineTool({
  name: 'approve_draft',
  title: 'Approve a draft and execute it',
  description:
    'Approves a pending draft and executes it exactly once: creates the Jira issue (or the disabled automation rule), or ' +
    'writes the exact request to the outbox when no target is configured. Approving a failed draft retries it. You cannot ' +
    'approve a draft you drafted.',
  access: 'review',
  hints: { idempotentHint: false, destructiveHint: false, openWorldHint: true },
  input: z.object({ draftId: DraftIdArg }),
  output: DraftSummary.extend({ message: z.string() }),
  async handler(args, { gate, services }) {
    const report = await services.drafts.approve(gate, args.draftId);
    return { structured: { ...summarizeDraft(report.draft), message: report.message }, text: report.message };
  },
});
