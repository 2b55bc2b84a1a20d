import { z } from 'zod';
import { previewIssue, type JiraDraftPayload } from '../src/services/drafts/jira-issue.js';
import { defineTool } from './define-tool.js';
import { DraftIdArg, DraftSummary, summarizeDraft } from './draft-schemas.js';
import { personNames } from './people.js';

export const getDraft = defineTool({
  name: 'get_draft',
  title: 'Show one draft with its revisions',
  description: 'A draft with its payload, a preview, every revision and its outbox entry, if any.',
  access: 'review',
  toolset: 'drafts',
  writes: false,
  input: z.object({ draftId: DraftIdArg }),
  output: DraftSummary.extend({
    payload: z.unknown(),
    preview: z.string(),
    revisions: z.array(z.object({ revision: z.number().int(), author: z.string(), authorName: z.string().nullable(), createdAt: z.string(), note: z.string().nullable(), payloadHash: z.string() })),
    outbox: z.unknown(),
  }),
  async handler(args, { gate, services }) {
    const { draft, revisions, outbox } = await services.review.show(gate, args.draftId);
    const payload = draft.payload as JiraDraftPayload & { preview?: string };
    const names = personNames(gate);
    return {
      structured: {
        ...(await summarizeDraft(draft, names)),
        payload: draft.payload,
        preview: draft.kind === 'jira' ? previewIssue(payload) : (payload.preview ?? ''),
        revisions: await Promise.all(revisions.map(async ({ payload: _p, ...rest }) => ({ ...rest, authorName: await names(rest.author) }))),
        outbox: outbox ?? null,
      },
    };
  },
});
