import { z } from 'zod';
import { EditDraftShape } from '../src/services/review/review-schemas.js';
import { defineTool } from './define-tool.js';
import { DraftSummary, summarizeDraft } from './draft-schemas.js';
import { personNames } from './people.js';

export const editDraft = defineTool({
  name: 'edit_draft',
  title: 'Edit a pending draft',
  description:
    'Changes a pending draft; every edit is a new revision and the previous ones stay in the history. Jira drafts: summary, ' +
    'description, labels, project, issue type. Automation drafts: `rule` (the whole simplified rule JSON, e.g. with the manual ' +
    'configuration filled in or a reference resolved), which goes through the same checks as a new rule.',
  access: 'review',
  writes: true,
  hints: { idempotentHint: false, destructiveHint: false },
  input: z.object(EditDraftShape),
  output: DraftSummary,
  async handler(args, { gate, services }) {
    return { structured: await summarizeDraft(await services.review.edit(gate, args), personNames(gate)) };
  },
});
