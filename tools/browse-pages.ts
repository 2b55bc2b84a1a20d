import { z } from 'zod';
import { pageIdFromReference } from '../src/domain/page-reference.js';
import type { PageMeta } from '../src/domain/types.js';
import { InvalidInputError, StewardError } from '../src/errors.js';
import { quoted } from '../policies/gate.js';
import { defineTool } from './define-tool.js';
import { personNames } from './people.js';
import { PageRefOutput } from './schemas.js';

/** Versions shown per page: enough for "who changed this lately", small enough for every reply. */
const VERSIONS = 10;

const Link = z.object({ id: z.string(), title: z.string(), url: z.string() });
const link = (page: PageMeta) => ({ id: page.id, title: page.title, url: page.url });

/**
 * Navigation in one tool (the tool list a model is shown has a budget): the spaces, or one page's
 * place in its tree. Everything comes through the gate, so a page the reader may not see is
 * missing here too: not a child, not a breadcrumb step, not counted in a space.
 */
export const browsePages = defineTool({
  name: 'browse_pages',
  title: 'Browse spaces and page trees',
  description:
    'No arguments: spaces you may read, with page counts. `page` (id or URL) or exact `title` (+`space`): its breadcrumb, ' +
    'children, labels, versions.',
  access: 'read',
  toolset: 'read',
  writes: false,
  input: z.object({
    page: z.string().trim().min(1).max(2000).optional(),
    title: z.string().trim().min(1).max(255).optional(),
    space: z.string().trim().min(1).max(255).optional(),
  }),
  output: z.object({
    spaces: z.array(z.object({ key: z.string(), name: z.string(), description: z.string().nullable(), pages: z.number().int().describe('Pages you can read') })),
    page: PageRefOutput.extend({ labels: z.array(z.string()) }).nullable(),
    breadcrumb: z.array(Link).describe('Ancestors you can read, root first'),
    children: z.array(Link),
    versions: z.array(z.object({ number: z.number().int(), when: z.string(), by: z.string().nullable(), byName: z.string().nullable(), message: z.string() })),
  }),
  async handler(args, { gate }) {
    if (args.page === undefined && args.title === undefined) {
      if (args.space !== undefined) throw new InvalidInputError('`space` narrows a `title` lookup; give `title` too, or no arguments for the list of spaces.');
      const spaces = await gate.readableSpaces('browse_pages');
      return {
        structured: { spaces: spaces.map((s) => ({ ...s, description: s.description ?? null })), page: null, breadcrumb: [], children: [], versions: [] },
      };
    }
    if (args.page !== undefined && args.title !== undefined) throw new InvalidInputError('Give `page` or `title`, not both.');
    const id = args.page !== undefined ? idOf(args.page) : await idByTitle(gate, args.title!, args.space);
    const tree = await gate.pageTree('browse_pages', id, VERSIONS);
    const names = personNames(gate);
    const { page } = tree;
    return {
      structured: {
        spaces: [],
        page: { id: page.id, title: page.title, space: page.spaceKey, url: page.url, updated: page.updated, labels: page.labels },
        breadcrumb: tree.ancestors.map(link),
        children: tree.children.map(link),
        versions: await Promise.all(tree.versions.map(async (v) => ({ number: v.number, when: v.when, by: v.by ?? null, byName: await names(v.by), message: v.message }))),
      },
    };
  },
});

function idOf(reference: string): string {
  const id = pageIdFromReference(reference);
  if (id === undefined) {
    throw new InvalidInputError(
      '`page` is neither a page id nor a Confluence page URL (…/spaces/KEY/pages/ID/…, …/pages/viewpage.action?pageId=ID, …/x/CODE). To find a page by name use `title`.',
    );
  }
  return id;
}

async function idByTitle(gate: Parameters<typeof browsePages.handler>[1]['gate'], title: string, space: string | undefined): Promise<string> {
  const found = await gate.findPagesByTitle('browse_pages', title, space === undefined ? undefined : [space]);
  // Missing and not readable read the same.
  if (found.length === 0) throw new StewardError(`No page titled ${quoted(title)} was found${space === undefined ? '' : ` in space ${quoted(space)}`}.`, 'not_found');
  const spaces = [...new Set(found.map((page) => page.spaceKey))];
  if (spaces.length > 1) {
    throw new InvalidInputError(`Pages with this title are in spaces ${spaces.join(', ')}; name one as \`space\`.`);
  }
  // Titles are unique within a Confluence space; a site folder could repeat one: the lowest id wins, every time.
  return found.map((page) => page.id).sort((a, b) => a.length - b.length || a.localeCompare(b))[0];
}
