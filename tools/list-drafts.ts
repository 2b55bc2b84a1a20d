import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { DraftSummary, summarizeDraft } from './draft-schemas.js';

export const listDrafts = defineTool({
  name: 'list_drafts',
  title: 'List drafts in the review queue',
  description: 'Lists drafts (Jira issues, automation rules) newest first, filtered by status, kind, space or drafter.',
  access: 'review',
  input: z.object({
    status: z.enum(['pending', 'approved', 'executing', 'executed', 'failed', 'rejected']).optional(),
    kind: z.enum(['jira', 'automation']).optional(),
    space: z.string().trim().optional(),
    drafter: z.string().trim().optional().describe('Account id of the drafter'),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  output: z.object({ drafts: z.array(DraftSummary), count: z.number().int() }),
  async handler(args, { services }) {
    const drafts = services.drafts.list(args).map(summarizeDraft);
    return { structured: { drafts, count: drafts.length } };
  },
});
