import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { DraftIdArg, DraftSummary, summarizeDraft } from './draft-schemas.js';

export const editDraft = defineTool({
  name: 'edit_draft',
  title: 'Edit a pending Jira draft',
  description: 'Changes fields of a pending Jira draft. Every edit is a new revision; the previous ones stay in the history.',
  access: 'review',
  hints: { idempotentHint: false, destructiveHint: false },
  input: z.object({
    draftId: DraftIdArg,
    summary: z.string().trim().min(5).max(255).optional(),
    description: z.string().trim().min(1).max(5000).optional().describe('Replaces the gap paragraph'),
    labels: z.array(z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,100}$/)).max(10).optional(),
    projectKey: z.string().trim().optional(),
    issueType: z.string().trim().optional(),
    note: z.string().trim().max(500).optional().describe('Why the edit was made'),
  }),
  output: DraftSummary,
  async handler(args, { gate, services }) {
    const { draftId, description, note, ...rest } = args;
    const draft = services.drafts.edit(gate, draftId, { ...rest, gap: description }, note);
    return { structured: summarizeDraft(draft) };
  },
});
