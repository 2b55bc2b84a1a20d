import { z } from 'zod';
import { strictObject } from '../../domain/strict-object.js';

/**
 * The reviewer's inputs, one definition for every front-end: the MCP review tools use these
 * shapes as their input schemas, and the CLI and the console parse flags and forms with them.
 * Every string is bounded here, so nothing unbounded reaches the service, a message or the
 * audit trail.
 */
export const DRAFT_STATUSES = ['pending', 'approved', 'executing', 'executed', 'failed', 'rejected'] as const;
export const DRAFT_KINDS = ['jira', 'automation'] as const;

// PostgreSQL keeps draft ids as `integer` (pg-migrations.ts): no id is larger, and the bound is short in tools/list.
export const DraftIdArg = z.number().int().positive().max(2_147_483_647).describe('Draft id');
export const RevisionArg = z.number().int().positive().max(1_000_000).describe('The revision you reviewed (get_draft shows it); a newer one refuses');

export const ListDraftsShape = {
  status: z.enum(DRAFT_STATUSES).optional(),
  kind: z.enum(DRAFT_KINDS).optional(),
  space: z.string().trim().min(1).max(255).optional().describe('Space key'),
  drafter: z.string().trim().min(1).max(200).optional().describe('Account id of the drafter'),
  limit: z.number().int().min(1).max(200).default(50),
};

export const JiraEditShape = {
  summary: z.string().trim().min(5).max(255).optional(),
  description: z.string().trim().min(1).max(5000).optional().describe('Replaces the gap paragraph'),
  labels: z.array(z.string().trim().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'labels are 1–100 letters, digits, _ . : or -, no spaces')).max(10).optional(),
  projectKey: z.string().trim().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'Jira project keys are upper case, e.g. "KB"').optional(),
  issueType: z.string().trim().min(1).max(60).optional(),
};

/**
 * A component's settings. An open map on purpose: its shape depends on the component type
 * and is checked per type against the catalog's (strict) config schemas, so one bad config
 * becomes a problem on that step instead of refusing the whole rule.
 */
const RuleConfigArg = z.record(z.string().max(100), z.unknown());

const ComponentType = z.string().trim().min(1).max(100);

interface RuleStepInput {
  type: string;
  config?: Record<string, unknown>;
  components?: RuleStepInput[];
}

/** One step of a rule: a condition, an action or a branch (with its own steps). Strict: unknown keys are refused. */
const RuleStepArg: z.ZodType<RuleStepInput> = z.lazy(() =>
  strictObject(
    {
      type: ComponentType,
      config: RuleConfigArg.optional(),
      components: z.array(RuleStepArg).optional().describe('Branches only: the steps run for each item'),
    },
    'a rule step',
  ),
);

/**
 * An automation rule as an agent writes it or a reviewer edits it: the simplified rule JSON
 * (title, trigger, components), strict at every fixed-shape level and bounded in size.
 */
export const RuleArg = strictObject(
  {
    title: z.string().optional(),
    trigger: strictObject({ type: ComponentType, config: RuleConfigArg.optional() }, 'the trigger').nullable().optional(),
    components: z.array(RuleStepArg).optional(),
  },
  'rule',
)
  .refine((rule) => JSON.stringify(rule).length <= 200_000, 'the rule JSON is larger than 200,000 characters')
  .describe('Automation: the edited rule JSON');

export const EditDraftShape = {
  draftId: DraftIdArg,
  ...JiraEditShape,
  rule: RuleArg.optional(),
  note: z.string().trim().max(500).optional().describe('Why the edit was made'),
};

export const ApproveDraftShape = { draftId: DraftIdArg, revision: RevisionArg };
export const RejectDraftShape = { draftId: DraftIdArg, reason: z.string().trim().min(3).max(1000).describe('Why it is rejected') };

export const ListDraftsInput = z.strictObject(ListDraftsShape);
export const EditDraftInput = z.strictObject(EditDraftShape);
export const ApproveDraftInput = z.strictObject(ApproveDraftShape);
export const RejectDraftInput = z.strictObject(RejectDraftShape);

export type ListDraftsArgs = z.output<typeof ListDraftsInput>;
export type EditDraftArgs = z.output<typeof EditDraftInput>;
export type ApproveDraftArgs = z.output<typeof ApproveDraftInput>;
export type RejectDraftArgs = z.output<typeof RejectDraftInput>;
