import { z } from 'zod';
import {
  GroupField,
  PageField,
  RecipientField,
  Schedule,
  SpaceField,
  UserField,
  UserRef,
  GroupRef,
  SpaceRef,
} from './refs.js';
import { RuleComponentSchema } from './rule-schema.js';

export { PageRef, SpaceRef, UserRef, GroupRef, SmartValueRef, Schedule } from './refs.js';

/**
 * The component catalog (fact sheet §5): every component the drafting pipeline may select,
 * with our type names, a description written for a model, the config schema a generator
 * fills, and a governance class (§2). Type names are our own vocabulary, not Atlassian ids.
 */

export type ComponentKind = 'trigger' | 'condition' | 'action' | 'branch';
export type Governance = 'allowed' | 'manual-config-required' | 'excluded';

export interface CatalogEntry {
  type: string;
  kind: ComponentKind;
  uiName: string;
  /** For a model choosing components: what it does and when to pick it. */
  description: string;
  governance: Governance;
  /**
   * What a generator writes. For `manual-config-required` this is the empty object: a person
   * fills the config in review (see `configuredShape`). For `excluded` it is reference only.
   */
  config: z.ZodType;
  /** For manual-config components: the shape once a reviewer has configured it (reference). */
  configuredShape?: z.ZodType;
  /** Config fields that carry secrets; generators always leave them "". */
  secretFields?: string[];
}

const empty = z.strictObject({});
const nonEmpty = z.string().min(1);
const labelName = z
  .string()
  .regex(/^[^\sA-Z]+$/, 'labels are lower-case with no spaces')
  .describe('Label name, lower-case, no spaces');

const comparisonOperator = z.enum([
  'EQUALS',
  'NOT_EQUALS',
  'CONTAINS',
  'NOT_CONTAINS',
  'STARTS_WITH',
  'ENDS_WITH',
  'REGEX_MATCHES',
  'REGEX_NOT_MATCHES',
  'GREATER_THAN',
  'LESS_THAN',
  'IS_EMPTY',
  'IS_NOT_EMPTY',
]);

const trigger = (type: string, uiName: string, description: string, config: z.ZodType = empty): CatalogEntry => ({
  type,
  kind: 'trigger',
  uiName,
  description,
  governance: 'allowed',
  config,
});

const TRIGGERS: CatalogEntry[] = [
  trigger('PagePublishedTrigger', 'Page published', 'Runs when a new page is published (created) for the first time. Drafts and later edits do not count.'),
  trigger('BlogPublishedTrigger', 'Blog published', 'Runs when a new blog post is published. Drafts and edits do not count.'),
  trigger('PageEditedTrigger', 'Page edited', 'Runs when edits to an existing page are published (page updated or changed).'),
  trigger('BlogEditedTrigger', 'Blog edited', 'Runs when edits to an existing blog post are published.'),
  trigger('PageCommentedTrigger', 'Page commented', 'Runs when someone adds a footer or inline comment to a page. Editing a comment does not count.'),
  trigger('BlogCommentedTrigger', 'Blog commented', 'Runs when someone adds a comment to a blog post.'),
  trigger(
    'LabelAddedTrigger',
    'Page or blog labeled',
    'Runs when a label is added to a page or blog post. List labels to react only to those (any one matches); use this instead of a generic trigger plus a label condition.',
    z.strictObject({ labels: z.array(labelName).optional().describe('Any one of these labels matches; omit for any label') }),
  ),
  trigger('PageArchivedTrigger', 'Page archived', 'Runs when a page is archived.'),
  trigger('PageCopiedTrigger', 'Page copied', 'Runs when a copy of a page is published.'),
  trigger('PageDeletedTrigger', 'Page deleted', 'Runs when a page is moved to the trash.'),
  trigger('PageMovedTrigger', 'Page moved', 'Runs when a page gets a new parent page or moves to another space.'),
  trigger(
    'PageStatusChangedTrigger',
    'Page status changed',
    "Runs when a page's content status changes, e.g. to \"Ready for review\" or \"Verified\".",
    z.strictObject({ toStatus: nonEmpty.optional().describe('Only when the new status is this one') }),
  ),
  trigger('SpaceCreatedTrigger', 'Space created', 'Runs when a new space is created; use {"smartValue":"{{space.key}}"} to refer to the new space.'),
  trigger(
    'UserMentionedTrigger',
    'User mentioned',
    'Runs when someone is @-mentioned on a page or in a comment. List users to react only to their mentions.',
    z.strictObject({ users: z.array(UserField).optional() }),
  ),
  trigger(
    'ScheduledTrigger',
    'Scheduled',
    'Runs on a schedule (e.g. every Monday at 9, daily, monthly) instead of on an event. There is no page in context: act on pages through a branch.',
    z.strictObject({ schedule: Schedule }),
  ),
  trigger(
    'ManualTrigger',
    'Manual trigger (smart button)',
    'Runs when a person clicks a smart button placed on a page; the page with the button is in context.',
    z.strictObject({ buttonLabel: nonEmpty.optional() }),
  ),
  trigger('IncomingWebhookTrigger', 'Incoming webhook', 'Runs when an outside system calls the rule\'s webhook URL (Confluence creates the URL and secret on save); the payload is {{webhook.body}}.'),
  trigger(
    'GuardAlertTrigger',
    'Atlassian Guard alert',
    'Runs when Atlassian Guard raises a security alert.',
    z.strictObject({ alertTypes: z.array(nonEmpty).optional() }),
  ),
];

const CONDITIONS: CatalogEntry[] = [
  {
    type: 'CompareCondition',
    kind: 'condition',
    uiName: '{{smart values}} condition',
    description:
      'Continues only if a comparison holds, e.g. {{page.title}} CONTAINS "Decision", {{page.parent.title}} EQUALS "Meeting notes", {{space.key}} EQUALS "HR", {{content.type}} EQUALS "blogpost".',
    governance: 'allowed',
    config: z
      .strictObject({
        valueToCompare: nonEmpty.describe('Usually a smart value such as {{page.title}}'),
        comparisonOperator,
        valueToCompareAgainst: z.string().optional().describe('Omit only for IS_EMPTY / IS_NOT_EMPTY'),
      })
      .refine((c) => ['IS_EMPTY', 'IS_NOT_EMPTY'].includes(c.comparisonOperator) || c.valueToCompareAgainst !== undefined, {
        message: 'valueToCompareAgainst is required for this operator',
        path: ['valueToCompareAgainst'],
      }),
  },
  {
    type: 'CqlCondition',
    kind: 'condition',
    uiName: 'CQL condition',
    description:
      "Continues only if the trigger's page matches a CQL query. Use for what smart values can't express: labels (label = \"x\"), ancestors, last-modified dates (lastmodified < now(\"-180d\")).",
    governance: 'allowed',
    config: z.strictObject({ cql: nonEmpty.describe('CQL, e.g. label = "needs-review"') }),
  },
  {
    type: 'UserCondition',
    kind: 'condition',
    uiName: 'User condition',
    description: 'Continues only if the person who caused the event is one of the listed users or in one of the listed groups.',
    governance: 'allowed',
    config: z
      .strictObject({ users: z.array(UserField).optional(), groups: z.array(GroupField).optional() })
      .refine((c) => (c.users?.length ?? 0) + (c.groups?.length ?? 0) > 0, { message: 'list at least one user or group' }),
  },
  {
    type: 'IfElseCondition',
    kind: 'condition',
    uiName: 'If/else block',
    description:
      'Picks one path: the first block whose conditions pass (ALL or ANY), otherwise the else path. Use only when the request has an "otherwise". Not allowed inside a branch.',
    governance: 'allowed',
    config: z.strictObject({
      blocks: z
        .array(
          z.strictObject({
            matchType: z.enum(['ALL', 'ANY']),
            conditions: z.array(RuleComponentSchema).min(1),
            components: z.array(RuleComponentSchema),
          }),
        )
        .min(1),
      else: z.strictObject({ components: z.array(RuleComponentSchema) }).optional(),
    }),
  },
];

const action = (
  type: string,
  uiName: string,
  description: string,
  config: z.ZodType = empty,
  extra: Partial<CatalogEntry> = {},
): CatalogEntry => ({ type, kind: 'action', uiName, description, governance: 'allowed', config, ...extra });

const ACTIONS: CatalogEntry[] = [
  action(
    'AddCommentAction',
    'Add comment',
    'Posts a footer comment on the page from the trigger (or the current branch item). Smart values allowed in the text.',
    z.strictObject({ comment: nonEmpty }),
  ),
  action(
    'PublishPageAction',
    'Publish new page',
    'Creates and publishes a new page in a space, optionally under a parent page and from a template. Add {{now}} to the title to keep titles unique.',
    z.strictObject({ space: SpaceField, parentPage: PageField.optional(), title: nonEmpty, template: nonEmpty.optional() }),
  ),
  action(
    'PublishBlogPostAction',
    'Publish new blog post',
    'Creates and publishes a new blog post in a space.',
    z.strictObject({ space: SpaceField, title: nonEmpty, template: nonEmpty.optional() }),
  ),
  action(
    'CopyPageAction',
    'Copy page',
    'Publishes a copy of a page (by default the trigger\'s page) in another space or under another parent page.',
    z
      .strictObject({
        sourcePage: PageField.optional(),
        destination: z.strictObject({ space: SpaceField.optional(), parentPage: PageField.optional() }),
        title: nonEmpty.optional(),
      })
      .refine((c) => c.destination.space !== undefined || c.destination.parentPage !== undefined, {
        message: 'say where the copy goes: a space or a parent page',
        path: ['destination'],
      }),
  ),
  action(
    'MovePageAction',
    'Move page',
    'Moves the current page under another parent page, or to the top level of a space.',
    z.strictObject({
      pageDestination: z.union([z.strictObject({ parentPage: PageField }), z.strictObject({ space: SpaceField })]),
    }),
  ),
  action('ArchivePageAction', 'Archive page', "Moves the current page to the archive (never a space's home page)."),
  action('DeletePageAction', 'Delete page', 'Moves the current page to the trash. A reviewer configures it by hand.', empty, {
    governance: 'manual-config-required',
  }),
  action(
    'AddLabelAction',
    'Add label',
    'Adds one or more labels to the current page or blog post.',
    z.strictObject({ labels: z.array(labelName).min(1) }),
  ),
  action(
    'RemoveLabelAction',
    'Remove label',
    'Removes one or more labels from the current page or blog post.',
    z.strictObject({ labels: z.array(labelName).min(1) }),
  ),
  action(
    'ChangePageOwnerAction',
    'Change page owner',
    'Hands ownership of the current page to someone else.',
    z.strictObject({ newOwner: UserField }),
  ),
  action(
    'ChangePageStatusAction',
    'Change page status',
    'Sets the page\'s content status, e.g. "Rough draft", "In progress", "Ready for review", "Verified".',
    z.strictObject({ status: nonEmpty }),
  ),
  action(
    'RestrictPageAction',
    'Restrict page',
    'Sets view or edit restrictions on the current page, replacing existing ones. A reviewer configures it by hand.',
    empty,
    {
      governance: 'manual-config-required',
      configuredShape: z.strictObject({
        restrictionType: z.enum(['VIEW', 'EDIT']),
        users: z.array(UserRef),
        groups: z.array(GroupRef),
      }),
    },
  ),
  action(
    'GrantSpacePermissionAction',
    'Grant space permissions',
    'Grants space permissions to users or groups. A reviewer configures it by hand.',
    empty,
    {
      governance: 'manual-config-required',
      configuredShape: z.strictObject({
        space: SpaceRef.optional(),
        users: z.array(UserRef),
        groups: z.array(GroupRef),
        permissions: z.array(nonEmpty).min(1),
      }),
    },
  ),
  action(
    'SendEmailAction',
    'Send email',
    'Sends an email to users, groups or smart-value recipients such as {{page.author}}.',
    z.strictObject({
      to: z.array(RecipientField).min(1),
      cc: z.array(RecipientField).optional(),
      subject: nonEmpty,
      body: nonEmpty,
    }),
  ),
  action(
    'SendSlackMessageAction',
    'Send Slack message',
    'Posts a message to a Slack channel through an incoming-webhook URL, which the reviewer pastes in (leave webhookUrl "").',
    z.strictObject({ webhookUrl: z.literal(''), channel: nonEmpty.optional(), message: nonEmpty }),
    { secretFields: ['webhookUrl'] },
  ),
  action(
    'SendTeamsMessageAction',
    'Send Microsoft Teams message',
    'Posts a message to a Microsoft Teams channel through its webhook URL, which the reviewer pastes in (leave webhookUrl "").',
    z.strictObject({ webhookUrl: z.literal(''), title: nonEmpty.optional(), message: nonEmpty }),
    { secretFields: ['webhookUrl'] },
  ),
  action(
    'SendWebRequestAction',
    'Send web request',
    'Makes an HTTP call to an outside system. Never generated: a person builds it in the rule editor.',
    z.strictObject({
      url: z.string(),
      method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
      headers: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
      contentType: z.string().optional(),
      body: z.string().optional(),
    }),
    { governance: 'excluded' },
  ),
  action('LogAction', 'Log action', "Writes a message to the rule's audit log.", z.strictObject({ message: nonEmpty })),
  action(
    'CreateVariableAction',
    'Create variable',
    'Stores a value (often built from smart values) under a name that later steps read as {{name}}.',
    z.strictObject({ name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), value: nonEmpty }),
  ),
];

const BRANCHES: CatalogEntry[] = [
  {
    type: 'ForEachPageBranch',
    kind: 'branch',
    uiName: 'For each page',
    description:
      'Runs its child steps once for every page matching the criteria (space, parent or ancestor page, author, labels, age, title). Blog posts are not included. Use it to act on pages from a schedule.',
    governance: 'allowed',
    config: z.strictObject({
      criteria: z.strictObject({
        spaces: z.array(SpaceField).optional(),
        parentPage: PageField.optional(),
        ancestorPage: PageField.optional(),
        author: UserField.optional(),
        labels: z.array(labelName).optional(),
        lastUpdatedMoreThanDaysAgo: z.number().int().min(1).optional(),
        createdMoreThanDaysAgo: z.number().int().min(1).optional(),
        titleContains: nonEmpty.optional(),
      }),
    }),
  },
  {
    type: 'ForEachTaskBranch',
    kind: 'branch',
    uiName: 'For each task',
    description: 'Runs its child steps for every task (action item) matching the criteria, e.g. incomplete and due within 3 days; {{task.assignee}} is the assignee.',
    governance: 'allowed',
    config: z.strictObject({
      criteria: z.strictObject({
        status: z.enum(['INCOMPLETE', 'COMPLETE']).optional(),
        dueWithinDays: z.number().int().min(0).optional(),
        overdue: z.boolean().optional(),
        assignee: UserField.optional(),
      }),
    }),
  },
  {
    type: 'ForEachCqlBranch',
    kind: 'branch',
    uiName: 'For each CQL result',
    description: 'Runs its child steps for every result of a CQL query; use type = blogpost to reach blog posts.',
    governance: 'allowed',
    config: z.strictObject({ cql: nonEmpty }),
  },
  {
    type: 'ForEachSmartValueBranch',
    kind: 'branch',
    uiName: 'Branch on smart value',
    description: 'Runs its child steps once for each element of a list smart value, exposing the element under a chosen name.',
    governance: 'allowed',
    config: z.strictObject({ smartValue: z.string().regex(/^\{\{.+\}\}$/), variableName: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/) }),
  },
];

export const CATALOG: readonly CatalogEntry[] = Object.freeze([...TRIGGERS, ...CONDITIONS, ...ACTIONS, ...BRANCHES]);

const BY_TYPE = new Map(CATALOG.map((e) => [e.type, e]));

export function catalogEntry(type: string): CatalogEntry | undefined {
  return BY_TYPE.get(type);
}

export function isTriggerType(type: string): boolean {
  return BY_TYPE.get(type)?.kind === 'trigger';
}

/** Triggers after which there is a page (or blog post) in context for page actions. */
export const PAGE_CONTEXT_TRIGGERS: ReadonlySet<string> = new Set([
  'PagePublishedTrigger',
  'BlogPublishedTrigger',
  'PageEditedTrigger',
  'BlogEditedTrigger',
  'PageCommentedTrigger',
  'BlogCommentedTrigger',
  'LabelAddedTrigger',
  'PageArchivedTrigger',
  'PageCopiedTrigger',
  'PageDeletedTrigger',
  'PageMovedTrigger',
  'PageStatusChangedTrigger',
  'UserMentionedTrigger',
  'ManualTrigger',
]);

export interface CatalogSummaryItem {
  type: string;
  kind: ComponentKind;
  description: string;
  /** Present for components a person configures in review. */
  manualConfig?: true;
}

/** Names and descriptions for selection: everything except `excluded` components (fact sheet §2). */
export function catalogSummary(kind?: ComponentKind | 'non-trigger'): CatalogSummaryItem[] {
  return CATALOG.filter((e) => e.governance !== 'excluded')
    .filter((e) => kind === undefined || (kind === 'non-trigger' ? e.kind !== 'trigger' : e.kind === kind))
    .map((e) => ({
      type: e.type,
      kind: e.kind,
      description: e.description,
      ...(e.governance === 'manual-config-required' ? { manualConfig: true as const } : {}),
    }));
}

// ----- Pared-down schemas: only the chosen components, for generation -----

const oneOf = (schemas: z.ZodType[]): z.ZodType =>
  schemas.length === 0 ? z.never() : schemas.length === 1 ? schemas[0] : z.union(schemas as [z.ZodType, z.ZodType, ...z.ZodType[]]);

/** The config a generator must write: `{}` for manual-config components. */
function generationConfig(entry: CatalogEntry): z.ZodType {
  return entry.governance === 'manual-config-required' ? empty.describe('Leave empty: a reviewer configures this step') : entry.config;
}

function selectableEntries(types: readonly string[]): CatalogEntry[] {
  const wanted = new Set(types);
  return CATALOG.filter((e) => wanted.has(e.type) && e.governance !== 'excluded');
}

function plainNode(entry: CatalogEntry): z.ZodType {
  return z.strictObject({ type: z.enum([entry.type] as [string]), config: generationConfig(entry) }).describe(entry.description);
}

/**
 * Zod schema of a whole simplified rule that admits only the chosen components, with the
 * structural rules built in: one trigger, branches hold only conditions and actions
 * (no nested branch, no if/else), if/else blocks hold plain conditions.
 */
export function generationSchema(types: readonly string[]): z.ZodType {
  const entries = selectableEntries(types);
  const triggers = entries.filter((e) => e.kind === 'trigger');
  const plainConditions = entries.filter((e) => e.kind === 'condition' && e.type !== 'IfElseCondition').map(plainNode);
  const actions = entries.filter((e) => e.kind === 'action').map(plainNode);
  const inBranch = oneOf([...plainConditions, ...actions]);
  const branches = entries
    .filter((e) => e.kind === 'branch')
    .map((e) =>
      z
        .strictObject({ type: z.enum([e.type] as [string]), config: e.config, components: z.array(inBranch).min(1) })
        .describe(`${e.description} Children may be conditions and actions only.`),
    );
  const inBlock = oneOf([...plainConditions, ...actions, ...branches]);
  const ifElse = entries.some((e) => e.type === 'IfElseCondition')
    ? [
        z
          .strictObject({
            type: z.enum(['IfElseCondition']),
            config: z.strictObject({
              blocks: z
                .array(
                  z.strictObject({
                    matchType: z.enum(['ALL', 'ANY']),
                    conditions: z.array(oneOf(plainConditions)).min(1),
                    components: z.array(inBlock),
                  }),
                )
                .min(1),
              else: z.strictObject({ components: z.array(inBlock) }).optional(),
            }),
          })
          .describe(catalogEntry('IfElseCondition')!.description),
      ]
    : [];
  const triggerNode = triggers.length
    ? oneOf(
        triggers.map((e) =>
          z.strictObject({ type: z.enum([e.type] as [string]), config: e.config.optional() }).describe(e.description),
        ),
      ).nullable()
    : z.null();
  return z.strictObject({
    title: z.string().min(1).max(255).describe('Short rule name'),
    trigger: triggerNode,
    components: z.array(oneOf([...plainConditions, ...actions, ...branches, ...ifElse])).min(1),
  });
}

export type JsonSchema = Record<string, unknown>;

/** JSON Schema of each chosen component's node (type constant + config), for the agent-supplied path. */
export function paredDownSchemas(types: readonly string[]): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const entry of selectableEntries(types)) {
    let node: z.ZodType;
    if (entry.kind === 'trigger') node = z.strictObject({ type: z.enum([entry.type] as [string]), config: entry.config.optional() });
    else if (entry.kind === 'branch')
      node = z.strictObject({
        type: z.enum([entry.type] as [string]),
        config: entry.config,
        components: z.array(z.strictObject({ type: z.string(), config: z.record(z.string(), z.unknown()) })).min(1).describe('Conditions and actions only'),
      });
    else if (entry.type === 'IfElseCondition') node = generationSchemaNodeForIfElse();
    else node = plainNode(entry);
    out[entry.type] = z.toJSONSchema(node.describe(entry.description), { unrepresentable: 'any' }) as JsonSchema;
  }
  return out;
}

function generationSchemaNodeForIfElse(): z.ZodType {
  const child = z.strictObject({ type: z.string(), config: z.record(z.string(), z.unknown()) });
  return z.strictObject({
    type: z.enum(['IfElseCondition']),
    config: z.strictObject({
      blocks: z
        .array(z.strictObject({ matchType: z.enum(['ALL', 'ANY']), conditions: z.array(child).min(1), components: z.array(child) }))
        .min(1),
      else: z.strictObject({ components: z.array(child) }).optional(),
    }),
  });
}

/** JSON Schema of a whole rule restricted to the chosen components (what the sampling generator shows the model). */
export function generationJsonSchema(types: readonly string[]): JsonSchema {
  return z.toJSONSchema(generationSchema(types), { unrepresentable: 'any' }) as JsonSchema;
}
