import { z } from 'zod';
import { isoSeconds } from '../src/domain/time.js';
import { searchPages as searchWithPassages } from '../src/services/answers/search-service.js';
import { defineTool } from './define-tool.js';
import { IsoDate, PageRefOutput, SpacesArg } from './schemas.js';

export const searchPages = defineTool({
  name: 'search_pages',
  title: 'Search Confluence pages',
  description:
    'Searches the pages you may read (plain words, not CQL); each excerpt is the page\'s best passage. Read one with get_page.',
  access: 'read',
  toolset: 'read',
  writes: false,
  input: z.object({
    query: z.string().trim().min(1).max(500).describe('What to look for, in plain words'),
    spaces: SpacesArg,
    labels: z.array(z.string().trim().min(1).max(255)).max(20).optional().describe('Only pages with at least one of these labels'),
    updatedSince: IsoDate.optional().describe('Only pages updated on or after this date (ISO, e.g. 2026-01-31)'),
    limit: z.number().int().min(1).max(50).default(10).describe('Maximum results (1-50, default 10)'),
    cursor: z.string().trim().min(1).max(500).optional().describe('nextCursor, for more'),
  }),
  output: z.object({
    results: z.array(
      PageRefOutput.extend({
        labels: z.array(z.string()),
        excerpt: z.string(),
      }),
    ),
    count: z.number().int(),
    nextCursor: z.string().nullable().describe('Pass as `cursor` (same query) for the next results; null when there are no more'),
  }),
  async handler(args, { gate, services }) {
    const { hits, cursor } = await searchWithPassages(gate, services, {
      text: args.query,
      spaces: args.spaces,
      labels: args.labels,
      updatedSince: args.updatedSince ? isoSeconds(new Date(args.updatedSince)) : undefined,
      limit: args.limit,
      cursor: args.cursor,
    });
    const results = hits.map(({ page, excerpt }) => ({
      id: page.id,
      title: page.title,
      space: page.spaceKey,
      url: page.url,
      updated: page.updated,
      labels: page.labels,
      excerpt,
    }));
    return { structured: { results, count: results.length, nextCursor: cursor ?? null } };
  },
});
