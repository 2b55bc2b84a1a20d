import { z } from 'zod';

/** Small schema pieces shared by several tools, so agents see one shape for one idea. */

export const PageId = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, 'a Confluence page id is a number, e.g. "123456"')
  .describe('Confluence page id (digits)');

export const SpaceKeyArg = z.string().trim().min(1).max(255).describe('Space key, e.g. "IT"');

export const SpacesArg = z
  .array(SpaceKeyArg)
  .max(50)
  .optional()
  .describe('Limit to these spaces (each must be allowed by the policy). Omit for all allowed spaces.');

export const IsoDate = z
  .string()
  .trim()
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value)), {
    message: 'use an ISO date such as 2026-01-31 or 2026-01-31T09:00:00Z',
  });

export const PageRefOutput = z.object({
  id: z.string(),
  title: z.string(),
  space: z.string(),
  url: z.string(),
  updated: z.string(),
});
