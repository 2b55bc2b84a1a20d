import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { PolicyGate } from '../policies/gate.js';
import type { Page, PageMeta } from '../src/domain/types.js';
import { PageNotFoundError, PolicyDeniedError } from '../src/errors.js';
import { INSTRUCTIONS_REMOVED_WARNING, cleanMarkdown } from '../src/services/answers/injection.js';
import { completePageIds, completeSpaceKeys, completeTitles } from './completions.js';
import { PageId } from './schemas.js';

/** How many pages resources/list offers: a small recent set, not the site (search_pages finds the rest). */
export const RECENT_RESOURCES = 20;

/** Audit label of resource reads and lists (the gate records every one, like a tool call). */
const AUDIT_TOOL = 'resources';

/** MCP's code for "Resource not found" (specification, server/resources, error handling). */
const RESOURCE_NOT_FOUND = -32002;

export const pageUri = (id: string) => `confluence://page/${id}`;

/**
 * Pages as MCP resources, through the same gate path as get_page (readPage, then the text
 * addressed to AI readers removed): `confluence://page/{id}` and, by exact title,
 * `confluence://space/{spaceKey}/page/{title}`. resources/list gives the most recently updated
 * pages this user may read. A page that is missing, restricted or outside the policy gives the
 * same error, naming only the URI that was asked for.
 */
export function registerPageResources(server: McpServer, gate: PolicyGate): void {
  server.registerResource(
    'page',
    new ResourceTemplate('confluence://page/{id}', {
      list: async () => ({ resources: (await gate.recentPages(AUDIT_TOOL, { limit: RECENT_RESOURCES })).map(listed) }),
      complete: { id: (value) => completePageIds(gate, value) },
    }),
    {
      title: 'Confluence page',
      description: 'A page you may read, as Markdown, by page id.',
      mimeType: 'text/markdown',
    },
    async (uri, { id }) => {
      const pageId = PageId.safeParse(String(id));
      if (!pageId.success) throw new McpError(RESOURCE_NOT_FOUND, `Resource ${uri.href} not found: a Confluence page id is a number, e.g. confluence://page/123456.`);
      return contents(uri.href, await readOrNotFound(uri.href, () => gate.readPage(AUDIT_TOOL, pageId.data)));
    },
  );

  server.registerResource(
    'page-by-title',
    new ResourceTemplate('confluence://space/{spaceKey}/page/{title}', {
      list: undefined,
      complete: {
        spaceKey: (value) => completeSpaceKeys(gate, value),
        title: (value, context) => completeTitles(gate, value, context?.arguments?.spaceKey),
      },
    }),
    {
      title: 'Confluence page by title',
      description: 'A page you may read, as Markdown, by its exact title in a space (URI-encode the title).',
      mimeType: 'text/markdown',
    },
    async (uri, { spaceKey, title }) =>
      contents(
        uri.href,
        await readOrNotFound(uri.href, async () => {
          const [match] = await gate.findPagesByTitle(AUDIT_TOOL, decodeURIComponent(String(title)), [decodeURIComponent(String(spaceKey))]);
          if (!match) throw new McpError(RESOURCE_NOT_FOUND, notFound(uri.href));
          return gate.readPage(AUDIT_TOOL, match.id);
        }),
      ),
  );
}

function listed(page: PageMeta) {
  return { uri: pageUri(page.id), name: page.title, title: page.title, description: `${page.spaceKey} · updated ${page.updated}`, mimeType: 'text/markdown' };
}

function contents(uri: string, page: Page): ReadResourceResult {
  const cleaned = cleanMarkdown(page.body);
  const text = cleaned.removed ? `> ${INSTRUCTIONS_REMOVED_WARNING}\n\n${cleaned.markdown}` : cleaned.markdown;
  return { contents: [{ uri, mimeType: 'text/markdown', text }] };
}

const notFound = (uri: string) => `Resource ${uri} not found.`;

/**
 * Any refusal on the way to the page (missing, restricted, denied label, space outside the
 * allowlist, a title that is not there) becomes one and the same "not found", so nothing tells a
 * hidden page from none. Other failures (the source is down) keep their own message.
 */
async function readOrNotFound(uri: string, read: () => Promise<Page>): Promise<Page> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof PageNotFoundError || error instanceof PolicyDeniedError || error instanceof McpError || error instanceof URIError) throw new McpError(RESOURCE_NOT_FOUND, notFound(uri));
    throw error;
  }
}
