import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { JiraEditShape } from '../src/services/review/review-schemas.js';
import { PageId } from './schemas.js';

export const draftJira = defineTool({
  name: 'draft_jira',
  title: 'Draft a Jira issue for a human to approve',
  description:
    'Queues a Jira issue (e.g. a documentation gap found by answer_with_sources) as a PENDING draft. Nothing is created in ' +
    'Jira until a different person, a reviewer, approves it. The server writes the description itself: the question asked, ' +
    'links to the affected pages and their likely owner. An identical pending draft is returned instead of a duplicate.',
  access: 'draft',
  toolset: 'answers',
  writes: true,
  hints: { idempotentHint: true, destructiveHint: false, openWorldHint: false },
  input: z.object({
    summary: z.string().trim().min(5).max(255).describe('Issue summary, one line'),
    description: z.string().trim().max(5000).optional().describe('The gap in one paragraph'),
    pageIds: z.array(PageId).max(20).optional().describe('Affected pages (each must be readable and in a draftable space)'),
    question: z.string().trim().max(1000).optional().describe('The question that could not be answered'),
    projectKey: JiraEditShape.projectKey.describe('Jira project (default from policy)'),
    issueType: JiraEditShape.issueType.describe('Issue type, default Task'),
    labels: z
      .array(z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'Jira labels have no spaces'))
      .max(10)
      .optional(),
  }),
  output: z.object({
    draftId: z.number().int(),
    status: z.literal('pending'),
    duplicate: z.boolean().describe('True when an identical pending draft already existed and is returned'),
    preview: z.string(),
    message: z.string(),
  }),
  async handler(args, { gate, services }) {
    const { draft, duplicate, preview } = await services.drafts.draftJira(gate, args);
    return {
      structured: {
        draftId: draft.id,
        status: 'pending' as const,
        duplicate,
        preview,
        message: `Nothing was created in Jira. Draft ${draft.id} waits for a reviewer's approval${duplicate ? ' (it already existed)' : ''}.`,
      },
    };
  },
});
