import { z } from 'zod';
import { INSTRUCTIONS_REMOVED_WARNING, cleanMarkdown } from '../src/services/answers/injection.js';
import { slicePage } from '../src/services/page-slicer.js';
import { defineTool } from './define-tool.js';
import { personNames } from './people.js';
import { PageId, PageRefOutput } from './schemas.js';

export const getPage = defineTool({
  name: 'get_page',
  title: 'Read a Confluence page',
  description:
    'One page as Markdown with its metadata. Long pages are cut at section boundaries; the reply lists the sections and ' +
    'names the next, which `section` returns.',
  access: 'read',
  toolset: 'read',
  writes: false,
  input: z.object({
    pageId: PageId,
    section: z.string().trim().min(1).max(300).optional().describe('Section heading to return (with sub-sections)'),
    maxChars: z.number().int().min(500).max(100_000).default(12_000).describe('Markdown budget'),
  }),
  output: PageRefOutput.extend({
    version: z.number().int(),
    labels: z.array(z.string()),
    created: z.string(),
    owner: z.string().nullable().describe('Account id of the page owner'),
    ownerName: z.string().nullable().describe('Display name of the owner (null when unknown)'),
    lastUpdatedBy: z.string().nullable().describe('Account id of the last editor'),
    lastUpdatedByName: z.string().nullable().describe('Display name of the last editor (null when unknown)'),
    parentId: z.string().nullable().describe('Parent page id; null at the top of a space or when you may not see the parent'),
    markdown: z.string(),
    section: z.string().nullable(),
    truncated: z.boolean(),
    nextSection: z.string().nullable(),
    sections: z.array(z.object({ heading: z.string(), level: z.number().int(), chars: z.number().int() })),
    warnings: z.array(z.string()).describe('E.g. that text addressed to AI assistants was removed from the page'),
  }),
  async handler(args, { gate }) {
    const page = await gate.readPage('get_page', args.pageId);
    // Page text is data: what addresses AI readers leaves the server removed and marked, like in answers.
    const cleaned = cleanMarkdown(page.body);
    const names = personNames(gate);
    const slice = slicePage(cleaned.markdown, { section: args.section, maxChars: args.maxChars });
    return {
      structured: {
        id: page.id,
        title: page.title,
        space: page.spaceKey,
        url: page.url,
        updated: page.updated,
        version: page.version,
        labels: page.labels,
        created: page.created,
        owner: page.owner ?? null,
        ownerName: await names(page.owner),
        lastUpdatedBy: page.lastUpdatedBy ?? null,
        lastUpdatedByName: await names(page.lastUpdatedBy),
        parentId: await gate.visibleParentId(page),
        ...slice,
        warnings: cleaned.removed ? [INSTRUCTIONS_REMOVED_WARNING] : [],
      },
    };
  },
});
