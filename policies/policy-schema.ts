import { z } from 'zod';
import { duplicateKeys } from './json-keys.js';
import { normalizeSpaceKey } from './space-key.js';

/**
 * The policy file. Every object is strict: an unknown key (a typo such as `read.space`) is
 * an error, never silently ignored, because an ignored key could widen access. Required
 * keys are the ones that decide access; everything else has a safe default.
 */
const SpaceKey = z
  .string()
  .transform((value, ctx) => {
    const key = normalizeSpaceKey(value);
    if (key === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a space key: ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return key;
  });

const ProjectKey = z.string().regex(/^[A-Z][A-Z0-9_]{1,9}$/, 'Jira project keys are upper case, e.g. "KB"');
const Label = z
  .string()
  .trim()
  .min(1)
  .transform((label) => label.toLowerCase());
const Days = z.number().int().positive().max(36500);
/** A reviewer: an account id, or an email (compared case-insensitively). Display names are not unique, so they do not count. */
const PersonRef = z.string().trim().min(1).max(200);
const GroupName = z.string().trim().min(1).max(200);

export const PolicySchema = z
  .strictObject({
    /** An explanation for people editing the file (JSON has no comments); ignored. Top level only. */
    $comment: z.union([z.string().max(10_000), z.array(z.string().max(10_000)).max(200)]).optional(),
    read: z.strictObject({
      spaces: z.array(SpaceKey).min(1, 'read.spaces must name at least one space'),
    }),
    /** Spaces drafts may reference. Default: none. */
    draft: z
      .strictObject({
        spaces: z.array(SpaceKey).default([]),
      })
      .prefault({}),
    /** Jira projects drafts may target. Default: none, so draft_jira refuses and says which key to set. */
    jira: z
      .strictObject({
        projects: z.array(ProjectKey).default([]),
        defaultProject: ProjectKey.optional(),
        /** Issue types an agent may ask for. */
        issueTypes: z.array(z.string().min(1)).default(['Task', 'Bug', 'Story']),
      })
      .prefault({}),
    labels: z
      .strictObject({
        /** Pages carrying any of these labels are never returned, to anyone. Default: none. */
        deny: z.array(Label).default([]),
      })
      .prefault({}),
    staleness: z
      .strictObject({
        defaultDays: Days.default(365),
        /** Per-space overrides of defaultDays. */
        spaces: z.record(z.string(), Days).default({}),
      })
      .prefault({}),
    /** When true, no draft tools exist at all. Default false. */
    readOnly: z.boolean().default(false),
    limits: z
      .strictObject({
        /** Pending drafts one user may create per rolling hour. */
        pendingDraftsPerHour: z.number().int().min(0).default(20),
        /** Tool calls per identity per minute (HTTP mode). */
        requestsPerMinute: z.number().int().positive().default(120),
      })
      .prefault({}),
    /**
     * Who may work the review queue (list, show, edit, approve, reject, retry). Users by account id
     * or email, groups by name. Policy: when `reviewers` is absent nobody may decide on drafts,
     * so an approval always rests on a list someone wrote down.
     */
    review: z
      .strictObject({
        reviewers: z
          .strictObject({
            users: z.array(PersonRef).default([]),
            groups: z.array(GroupName).default([]),
          })
          .optional(),
        /**
         * Four eyes on content: by default a reviewer who changed a draft (a revision with a
         * different payload) may not approve it, so every approved text was read by someone
         * who did not write it. `true` lets editors approve.
         */
        editorsMayApprove: z.boolean().default(false),
      })
      .prefault({}),
    answers: z
      .strictObject({
        /**
         * How sure retrieval must be (0..1) that the quoted passages answer the question: a
         * blend of absolute evidence signals fitted on the development questions
         * (src/services/answers/confidence.ts). Below it the answer is `insufficient_evidence`.
         * Higher refuses more.
         */
        minConfidence: z.number().min(0).max(1).default(0.56),
        /**
         * A question word at least this rare in English (ln(1 + frequency rank / 200): "office" ≈
         * 1.5, "sabbatical" ≈ 5) that no page the user can read contains in any form makes the
         * question unanswerable. Higher refuses less.
         */
        missingTermRarity: z.number().min(0).max(10).default(2.6),
        /**
         * The same for an ordinary lower-case word ("sabbatical", "daycare", but also "oops",
         * "beforehand"): an asker's own phrasing is often missing from a page that answers, so
         * only a word this rare refuses on its own; rarer names (capitalised: Portland, Dropbox)
         * use missingTermRarity. Higher refuses less.
         */
        missingWordRarity: z.number().min(0).max(10).default(5),
        /** Accepted for older policy files; no longer used (minConfidence replaced it). */
        relevanceFloor: z.number().min(0).max(1).optional(),
        maxSources: z.number().int().min(1).max(8).default(5),
      })
      .prefault({}),
  })
  .superRefine((policy, ctx) => {
    const read = new Set(policy.read.spaces);
    for (const space of policy.draft.spaces) {
      if (!read.has(space)) {
        ctx.addIssue({
          code: 'custom',
          path: ['draft', 'spaces'],
          message: `draft space ${space} is not in read.spaces; the draft allowlist must be a subset of the read allowlist`,
        });
      }
    }
    if (policy.jira.defaultProject !== undefined && !policy.jira.projects.includes(policy.jira.defaultProject)) {
      ctx.addIssue({
        code: 'custom',
        path: ['jira', 'defaultProject'],
        message: `jira.defaultProject ${policy.jira.defaultProject} is not in jira.projects`,
      });
    }
    for (const key of Object.keys(policy.staleness.spaces)) {
      if (normalizeSpaceKey(key) === undefined) {
        ctx.addIssue({ code: 'custom', path: ['staleness', 'spaces', key], message: `not a space key: ${key}` });
      }
    }
  })
  .transform(({ $comment: _comment, ...policy }) => ({
    ...policy,
    read: { spaces: unique(policy.read.spaces) },
    draft: { spaces: unique(policy.draft.spaces) },
    labels: { deny: unique(policy.labels.deny) },
    staleness: {
      ...policy.staleness,
      spaces: Object.fromEntries(
        Object.entries(policy.staleness.spaces).map(([key, days]) => [normalizeSpaceKey(key) as string, days]),
      ),
    },
  }));

export type Policy = z.output<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Parses policy JSON text; throws an Error whose message lists every problem with its path. */
export function parsePolicy(text: string, origin: string): Policy {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`policy ${origin} is not valid JSON: ${(error as Error).message}`);
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) throw new Error(`policy ${origin} is invalid:\n${duplicates.map((problem) => `  - ${problem}`).join('\n')}`);
  const result = PolicySchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`policy ${origin} is invalid:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Days after which a page in this space counts as stale. */
export function staleAfterDays(policy: Policy, spaceKey: string): number {
  return policy.staleness.spaces[spaceKey] ?? policy.staleness.defaultDays;
}
