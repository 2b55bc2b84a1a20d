import { z } from 'zod';
import { ApproveDraftShape } from '../src/services/review/review-schemas.js';
import { defineTool } from './define-tool.js';
import { DraftSummary, summarizeDraft } from './draft-schemas.js';
import { personNames } from './people.js';

export const approveDraft = defineTool({
  name: 'approve_draft',
  title: 'Approve a draft and execute it',
  description:
    'Approves the revision you reviewed and executes the draft exactly once (creates the Jira issue, exports the rule ' +
    'disabled, or writes to the outbox). If the draft changed since, nothing runs and the reply shows the change. Retries ' +
    'a failed draft. Not for your own drafts.',
  access: 'review',
  toolset: 'drafts',
  writes: true,
  hints: { idempotentHint: false, destructiveHint: false, openWorldHint: true },
  input: z.object(ApproveDraftShape),
  output: DraftSummary.extend({ message: z.string() }),
  async handler(args, { gate, services }) {
    const report = await services.review.approve(gate, args);
    return { structured: { ...(await summarizeDraft(report.draft, personNames(gate))), message: report.message }, text: report.message };
  },
});
