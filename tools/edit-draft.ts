import { z } from 'zod';
import { EditDraftShape } from '../src/services/review/review-schemas.js';
import { defineTool } from './define-tool.js';
import { DraftSummary, summarizeDraft } from './draft-schemas.js';
import { personNames } from './people.js';

export const editDraft = defineTool({
  name: 'edit_draft',
  title: 'Edit a pending draft',
  description:
    'Edits a pending draft as a new revision (history kept). Jira: summary, description, labels, project, issue type. ' +
    'Automation: `rule`, the whole rule JSON, checked like a new one.',
  access: 'review',
  toolset: 'drafts',
  writes: true,
  hints: { idempotentHint: false, destructiveHint: false },
  input: z.object(EditDraftShape),
  output: DraftSummary,
  async handler(args, { gate, services }) {
    return { structured: await summarizeDraft(await services.review.edit(gate, args), personNames(gate)) };
  },
});
