import { z } from 'zod';
import { ListDraftsShape } from '../src/services/review/review-schemas.js';
import { defineTool } from './define-tool.js';
import { DraftSummary, summarizeDraft } from './draft-schemas.js';
import { personNames } from './people.js';

export const listDrafts = defineTool({
  name: 'list_drafts',
  title: 'List drafts in the review queue',
  description:
    'Drafts, newest first, by status, kind, space or drafter. Only drafts whose evidence you may read are listed; `hidden` ' +
    'counts the others.',
  access: 'review',
  toolset: 'drafts',
  writes: false,
  input: z.object(ListDraftsShape),
  output: z.object({ drafts: z.array(DraftSummary), count: z.number().int(), hidden: z.number().int().describe('Matching drafts you may not see (their evidence is not readable to you)') }),
  async handler(args, { gate, services }) {
    const { drafts, hidden } = await services.review.list(gate, args);
    const names = personNames(gate);
    return { structured: { drafts: await Promise.all(drafts.map((draft) => summarizeDraft(draft, names))), count: drafts.length, hidden } };
  },
});
