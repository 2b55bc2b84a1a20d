import { z } from 'zod';

/** Small schema pieces shared by several tools, so agents see one shape for one idea. */

export const PageId = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, 'a Confluence page id is a number, e.g. "123456"')
  .describe('Confluence page id (digits)');

const SpaceKey = z.string().trim().min(1).max(255);

export const SpaceKeyArg = SpaceKey.describe('Space key, e.g. "IT"');

// The items carry no description of their own: the list's says it, once, in tools/list.
export const SpacesArg = z
  .array(SpaceKey)
  .max(50)
  .optional()
  .describe('Only these space keys (default: all allowed)');

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const EARLIEST_DATE = Date.UTC(1900, 0, 1);
const LATEST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** An ISO date or date-time, 1900-01-01 to 9999-12-31 (UTC): sources cannot write other years as dates. */
export const IsoDate = z
  .string()
  .trim()
  .refine((value) => ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'use an ISO date such as 2026-01-31 or 2026-01-31T09:00:00Z',
  })
  .refine(
    (value) => {
      const time = Date.parse(value);
      return Number.isNaN(time) || (time >= EARLIEST_DATE && time <= LATEST_DATE);
    },
    { message: 'use a date between 1900-01-01 and 9999-12-31 (ISO, e.g. 2026-01-31)' },
  );

export const PageRefOutput = z.object({
  id: z.string(),
  title: z.string(),
  space: z.string(),
  url: z.string(),
  updated: z.string(),
});
