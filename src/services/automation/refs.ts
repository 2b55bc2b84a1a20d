import { z } from 'zod';

/**
 * Resolvable objects (fact sheet §3). The model never sees or writes ids: wherever a config
 * field points at a Confluence entity it writes one of these, and resolution.ts looks it up
 * through the policy-scoped source. Field names are resource-prefixed on purpose (`pageTitle`,
 * `spaceKey`) so a model can't confuse a page's title with a space's name.
 */

/** A dynamic reference, e.g. `{"smartValue":"{{space.key}}"}`. Passed through, never resolved. */
export const SmartValueRef = z
  .strictObject({
    smartValue: z
      .string()
      .regex(/^\{\{[^{}]+\}\}$/, 'a single smart value such as {{space.key}}')
      .describe('A smart value in double braces, e.g. {{space.key}} or {{page.author}}'),
  })
  .describe('Dynamic reference resolved by Confluence at run time');

const spaceKey = z.string().min(1).describe('Space key as the user wrote it, e.g. "ENG"');
const spaceName = z.string().min(1).describe('Space name as the user wrote it, e.g. "Engineering"');

export const SpaceRef = z
  .union([z.strictObject({ spaceKey }), z.strictObject({ spaceName })])
  .describe('A space, by key or by name');

export const PageRef = z
  .strictObject({
    pageTitle: z.string().min(1).describe('Exact page title'),
    spaceKey: spaceKey.optional(),
    spaceName: spaceName.optional(),
  })
  .refine((ref) => !(ref.spaceKey !== undefined && ref.spaceName !== undefined), {
    message: 'give spaceKey or spaceName, not both',
  })
  .describe('A page, by title; optionally the space it is in');

export const UserRef = z
  .union([
    z.strictObject({ displayName: z.string().min(1).describe('Full name as shown in Confluence') }),
    z.strictObject({ email: z.string().min(3).describe('Email address the user gave') }),
  ])
  .describe('A person, by display name or email');

export const GroupRef = z.strictObject({ groupName: z.string().min(1).describe('Exact group name') }).describe('A group');

/** Entity-typed fields accept a smart value as well (fact sheet §3, "dynamic ref"). */
export const SpaceField = z.union([SpaceRef, SmartValueRef]);
export const PageField = z.union([PageRef, SmartValueRef]);
export const UserField = z.union([UserRef, SmartValueRef]);
export const GroupField = z.union([GroupRef, SmartValueRef]);
/** Email recipients: users, groups or smart values. */
export const RecipientField = z.union([UserRef, GroupRef, SmartValueRef]);

export type SmartValueRef = z.infer<typeof SmartValueRef>;
export type SpaceRef = z.infer<typeof SpaceRef>;
export type PageRef = z.infer<typeof PageRef>;
export type UserRef = z.infer<typeof UserRef>;
export type GroupRef = z.infer<typeof GroupRef>;

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Our schedule shape (fact sheet §5a). DAILY/WEEKLY/MONTHLY whenever they can express it; CRON otherwise. */
export const Schedule = z
  .strictObject({
    frequency: z.enum(['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'CRON']),
    every: z.number().int().min(1).optional().describe('Interval, e.g. 2 for every 2 weeks; default 1'),
    daysOfWeek: z.array(z.enum(WEEKDAYS)).min(1).optional().describe('WEEKLY only'),
    dayOfMonth: z
      .union([z.number().int().min(1).max(31), z.literal('LAST')])
      .optional()
      .describe('MONTHLY only; "LAST" is the last day of the month'),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, '24-hour HH:mm')
      .optional()
      .describe('24-hour HH:mm'),
    timeZone: z.string().min(1).optional().describe('IANA time zone; omit for the site default'),
    cron: z.string().min(1).optional().describe('Quartz cron, CRON only'),
  })
  .superRefine((s, ctx) => {
    if (s.daysOfWeek && s.frequency !== 'WEEKLY') ctx.addIssue({ code: 'custom', message: 'daysOfWeek is for WEEKLY only', path: ['daysOfWeek'] });
    if (s.dayOfMonth !== undefined && s.frequency !== 'MONTHLY') ctx.addIssue({ code: 'custom', message: 'dayOfMonth is for MONTHLY only', path: ['dayOfMonth'] });
    if (s.frequency === 'CRON' && !s.cron) ctx.addIssue({ code: 'custom', message: 'CRON needs a cron expression', path: ['cron'] });
    if (s.frequency !== 'CRON' && s.cron) ctx.addIssue({ code: 'custom', message: 'cron is for CRON only', path: ['cron'] });
  })
  .describe('When a scheduled rule runs');
export type Schedule = z.infer<typeof Schedule>;

/** Which kind of resolvable object a plain JSON value is, judged by its fields (our vocabulary makes this unambiguous). */
export type RefKind = 'page' | 'space' | 'user' | 'group' | 'smart';

export function refKindOf(value: unknown): RefKind | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const keys = Object.keys(value);
  const only = (...allowed: string[]) => keys.length > 0 && keys.every((k) => allowed.includes(k));
  if ('smartValue' in value && keys.length === 1) return 'smart';
  if ('pageTitle' in value && only('pageTitle', 'spaceKey', 'spaceName')) return 'page';
  if (only('spaceKey') || only('spaceName')) return 'space';
  if (only('displayName') || only('email')) return 'user';
  if (only('groupName')) return 'group';
  return null;
}
