import { z } from 'zod';
import { isoSeconds } from '../src/domain/time.js';
import { searchPages as searchWithPassages } from '../src/services/answers/search-service.js';
import { defineTool } from './define-tool.js';
import { IsoDate, PageRefOutput, SpacesArg } from './schemas.js';

export const searchPages = defineTool({
  name: 'search_pages',
  title: 'Search Confluence pages',
  description:
    'Searches the Confluence pages this user may read (plain words, not CQL), ranked like answer_with_sources; each ' +
    'excerpt is the page\'s best-matching passage. Read a page with get_page.',
  access: 'read',
  toolset: 'read',
  writes: false,
  input: z.object({
    query: z.string().trim().min(1).max(500).describe('What to look for, in plain words'),
    spaces: SpacesArg,
    labels: z.array(z.string().trim().min(1).max(255)).max(20).optional().describe('Only pages with at least one of these labels'),
    updatedSince: IsoDate.optional().describe('Only pages updated on or after this date (ISO, e.g. 2026-01-31)'),
    limit: z.number().int().min(1).max(50).default(10).describe('Maximum results (1-50, default 10)'),
  }),
  output: z.object({
    results: z.array(
      PageRefOutput.extend({
        labels: z.array(z.string()),
        excerpt: z.string(),
      }),
    ),
    count: z.number().int(),
  }),
  async handler(args, { gate, services }) {
    const hits = await searchWithPassages(gate, services, {
      text: args.query,
      spaces: args.spaces,
      labels: args.labels,
      updatedSince: args.updatedSince ? isoSeconds(new Date(args.updatedSince)) : undefined,
      limit: args.limit,
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
    return { structured: { results, count: results.length } };
  },
});
