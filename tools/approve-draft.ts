import { z } from 'zod';
import { ApproveDraftShape } from '../src/services/review/review-schemas.js';
import { defineTool } from './define-tool.js';
import { DraftSummary, summarizeDraft } from './draft-schemas.js';
import { personNames } from './people.js';

export const approveDraft = defineTool({
  name: 'approve_draft',
  title: 'Approve a draft and execute it',
  description:
    'Approves the revision of a pending draft you reviewed and executes it exactly once: creates the Jira issue, or exports the ' +
    'automation rule (disabled) to the outbox, or writes the exact request to the outbox when no target is configured. If the ' +
    'draft changed since that revision, nothing happens and the reply shows what changed. Approving a failed draft retries it. ' +
    'You cannot approve a draft you drafted.',
  access: 'review',
  writes: true,
  hints: { idempotentHint: false, destructiveHint: false, openWorldHint: true },
  input: z.object(ApproveDraftShape),
  output: DraftSummary.extend({ message: z.string() }),
  async handler(args, { gate, services }) {
    const report = await services.review.approve(gate, args);
    return { structured: { ...(await summarizeDraft(report.draft, personNames(gate))), message: report.message }, text: report.message };
  },
});
