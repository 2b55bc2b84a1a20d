import { z } from 'zod';
import { InvalidInputError } from '../src/errors.js';
import { reviseAutomationDraft } from '../src/services/automation/automation-drafts.js';
import { defineTool } from './define-tool.js';
import { DraftIdArg, DraftSummary, summarizeDraft } from './draft-schemas.js';

export const editDraft = defineTool({
  name: 'edit_draft',
  title: 'Edit a pending draft',
  description:
    'Changes a pending draft; every edit is a new revision and the previous ones stay in the history. Jira drafts: summary, ' +
    'description, labels, project, issue type. Automation drafts: `rule` (the whole simplified rule JSON, e.g. with the manual ' +
    'configuration filled in or a reference resolved), which goes through the same checks as a new rule.',
  access: 'review',
  hints: { idempotentHint: false, destructiveHint: false },
  input: z.object({
    draftId: DraftIdArg,
    summary: z.string().trim().min(5).max(255).optional(),
    description: z.string().trim().min(1).max(5000).optional().describe('Replaces the gap paragraph'),
    labels: z.array(z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,100}$/)).max(10).optional(),
    projectKey: z.string().trim().optional(),
    issueType: z.string().trim().optional(),
    rule: z.record(z.string(), z.unknown()).optional().describe('Automation drafts: the edited simplified rule JSON'),
    note: z.string().trim().max(500).optional().describe('Why the edit was made'),
  }),
  output: DraftSummary,
  async handler(args, { gate, services }) {
    const { draftId, description, note, rule, ...rest } = args;
    if (services.drafts.get(draftId).kind === 'automation') {
      if (rule === undefined) throw new InvalidInputError('Automation drafts are edited with `rule` (the simplified rule JSON).');
      return { structured: summarizeDraft(await reviseAutomationDraft(gate, services, draftId, rule, note)) };
    }
    if (rule !== undefined) throw new InvalidInputError('`rule` only applies to automation drafts.');
    const draft = services.drafts.edit(gate, draftId, { ...rest, gap: description }, note);
    return { structured: summarizeDraft(draft) };
  },
});
