import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI, connectServe, runCli, startCli, waitFor } from '../support/cli.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { tempDir, writeFixture } from '../support/fixture-site.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/**
 * What `serve` checks before it speaks MCP: the policy's spaces against the source's, and (on
 * Confluence) that the site answers and takes the credentials. Every problem is one stderr line.
 */
const API_TOKEN = 'stub-token';
let stub: ConfluenceStub;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`);
  stub = await startConfluenceStub({ ...demoConfluenceSite(), apiToken: API_TOKEN }); // spaces ENG, HR, SECRET
});
afterAll(async () => {
  await stub.close();
});

const clients: Client[] = [];
afterEach(async () => {
  stub.clearFaults();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const cloud = (token = API_TOKEN) => ({ CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: 'mia@example.com', CONFLUENCE_API_TOKEN: token });

function policyFile(policy: object): string {
  const file = join(tempDir('policy'), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

const lines = (text: string) => text.trim().split('\n').filter((line) => line !== '');

describe('serve checks the policy against the source at start', () => {
  it('reports, in one line, the policy spaces the local site does not have, and serves the rest', async () => {
    const fixture = writeFixture({ policy: { read: { spaces: ['IT', 'NOPE', 'GONE'] } } });
    // stdin is closed, so a server that starts ends at once with 0
    const result = await runCli(['serve', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    expect(result.code, result.stderr).toBe(0);
    const warning = lines(result.stderr).filter((line) => /GONE/.test(line));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/policy read\.spaces NOPE, GONE not in local site/);
    expect(warning[0]).toMatch(/Serving IT;/);
    expect(result.stderr).toMatch(/serving local site/);
  });

  it('refuses to start, in one line, when no policy space exists in the source', async () => {
    const fixture = writeFixture({ policy: { read: { spaces: ['NOPE', 'GONE'] } } });
    const result = await runCli(['serve', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot start: nothing is readable: none of the policy's read\.spaces \(NOPE, GONE\) exists in local site/);
    expect(result.stderr).toMatch(/its spaces are HR, IT, SECRET/);
    expect(result.stderr).toMatch(/Check read\.spaces in .*policy\.json/);
  });

  it('refuses the same way with --http', async () => {
    const fixture = writeFixture({ policy: { read: { spaces: ['NOPE'] } } });
    const result = await runCli(['serve', '--http', '--port', '0', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/nothing is readable/);
  });

  it('on Confluence with the shipped demo policy, names the demo spaces the site lacks', async () => {
    const dataDir = tempDir('data');
    const result = await runCli(['serve', '--data-dir', dataDir], cloud());
    expect(result.code, result.stderr).toBe(0);
    const warning = lines(result.stderr).filter((line) => /ONBOARD/.test(line));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/IT, ONBOARD/);
    expect(warning[0]).toMatch(/Confluence/);
  });

  it('on Confluence refuses to start when nothing is readable', async () => {
    const result = await runCli(['serve', '--policy', policyFile({ read: { spaces: ['IT'] } }), '--data-dir', tempDir('data')], cloud());
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/nothing is readable.*ENG, HR, SECRET/);
  });

  it('keeps serving over --http and says which spaces are missing', async () => {
    const fixture = writeFixture({ policy: { read: { spaces: ['HR', 'NOPE'] } } });
    const { child, done } = startCli(['serve', '--http', '--port', '0', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    try {
      await waitFor(() => /listening|serving/.test(stderr));
      expect(stderr).toMatch(/read\.spaces.*NOPE.*not in local site/);
    } finally {
      child.kill('SIGTERM');
      await done;
    }
  });
});

describe('serve checks Confluence at start', () => {
  it('stops with one line when the credentials are refused (401)', async () => {
    const result = await runCli(['serve', '--data-dir', tempDir('data')], cloud('wrong-token'));
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot start: Confluence at http:\/\/127\.0\.0\.1:\d+ rejected the credentials \(401\)/);
    expect(result.stderr).toMatch(/CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN/);
  });

  it('stops with one line when the token owner is refused (403)', async () => {
    stub.failNext(1, { route: '/wiki/rest/api/user/current', status: 403 });
    const result = await runCli(['serve', '--data-dir', tempDir('data')], cloud());
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot start: Confluence at .* refused .*403/);
    expect(result.stderr).toMatch(/CONFLUENCE_USERNAME/);
  });

  it('stops with one line when Confluence cannot be reached', async () => {
    const port = await freePort();
    const result = await runCli(['serve', '--data-dir', tempDir('data')], { ...cloud(), CONFLUENCE_URL: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`cannot start: Confluence at http://127\\.0\\.0\\.1:${port} could not be reached`));
    expect(result.stderr).toMatch(/check CONFLUENCE_URL/);
  });

  it('stops --http the same way', async () => {
    const result = await runCli(['serve', '--http', '--port', '0', '--data-dir', tempDir('data')], cloud('wrong-token'));
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/rejected the credentials \(401\)/);
  });
});

describe('ENABLED_TOOLS, READ_ONLY_MODE and CONFLUENCE_SPACES_FILTER at start', () => {
  it('serves only the enabled tools', async () => {
    const fixture = writeFixture();
    const client = await connect(['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir], { ENABLED_TOOLS: 'search_pages,get_page' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_page', 'search_pages']);
  });

  it('refuses to start on an unknown tool name, naming it', async () => {
    const fixture = writeFixture();
    const result = await runCli(['serve', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir], { ENABLED_TOOLS: 'search_pages,confluence_search' });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot start: ENABLED_TOOLS names unknown tools: confluence_search/);
  });

  it('--enabled-tools wins over ENABLED_TOOLS; --read-only removes draft tools', async () => {
    const fixture = writeFixture();
    const common = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const client = await connect([...common, '--enabled-tools', 'get_page,draft_jira', '--read-only'], { ENABLED_TOOLS: 'search_pages' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['get_page']);
  });

  it('TOOLSETS serves only the role\'s tools of those toolsets; --toolsets wins; an unknown toolset refuses the start', async () => {
    const fixture = writeFixture();
    const common = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const client = await connect(common, { TOOLSETS: 'read,triage' });
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['browse_pages', 'flag_stale', 'get_page', 'search_pages']);
    const flagged = await connect([...common, '--toolsets', 'answers'], { TOOLSETS: 'read' });
    expect((await flagged.listTools()).tools.map((t) => t.name).sort()).toEqual(['answer_with_sources', 'draft_jira']);
    const result = await runCli(['serve', ...common], { TOOLSETS: 'read,confluence_pages' });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      'confluence-steward: cannot start: TOOLSETS names unknown toolsets: confluence_pages (known: read, answers, triage, drafts, automation, or all)',
    ]);
  });

  it('reports a filter space the policy does not allow', async () => {
    const fixture = writeFixture();
    const result = await runCli(['serve', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir], { CONFLUENCE_SPACES_FILTER: 'HR,SECRET' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/CONFLUENCE_SPACES_FILTER names SECRET, which the policy's read\.spaces do not allow; ignored/);
  });
});

async function connect(args: string[], env: Record<string, string> = {}) {
  const client = await connectServe(args, env);
  clients.push(client);
  return client;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
