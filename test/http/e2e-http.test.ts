import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/auth/tokens-file.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { bearer, call, connect, text, writeTokens } from './support.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** The real CLI (built by `npm test`'s pretest step) as a team server: `serve --http`. */
const CLI = join(process.cwd(), 'dist', 'cli.mjs');

const children: ChildProcess[] = [];
const clients: Client[] = [];
let stub: ConfluenceStub | undefined;
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await stub?.close();
  stub = undefined;
});

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`);
});

interface Started {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stdout: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr, stdout: () => stdout };
}

/** Spawns the server and waits for its start-up line, which carries the real port. */
async function start(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const proc = run(['--http', '--port', '0', ...args], env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line: ${proc.stderr()}`)), 45_000);
    const check = () => {
      const match = /over HTTP at (http:\/\/\S+\/mcp)/.exec(proc.stderr());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    proc.child.stderr!.on('data', check);
    void proc.exited.then(() => reject(new Error(`exited early: ${proc.stderr()}`)));
  });
  return { ...proc, url };
}

describe('confluence-steward serve --http', () => {
  it('serves two users at once over HTTP, each seeing only their own pages, with one start-up line', async () => {
    const fixture = writeFixture();
    const { file, tokens } = writeTokens(
      { employee: { user: USERS.employee.email, role: 'agent' }, hr: { user: USERS.hr.email, role: 'agent' }, lead: { user: USERS.lead.accountId, role: 'reviewer' } },
      fixture.root,
    );
    const server = await start(['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir, '--tokens', file]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const employee = await connect(server.url, bearer(tokens.employee));
    const hr = await connect(server.url, bearer(tokens.hr));
    clients.push(employee, hr);
    const [hidden, shown] = await Promise.all([call(employee, 'get_page', { pageId: '2002' }), call(hr, 'get_page', { pageId: '2002' })]);
    expect(hidden.isError).toBe(true);
    expect(shown.isError, text(shown)).toBeFalsy();
    // The page resources answer per identity too: the restricted page is neither listed nor readable for the employee.
    const [employeeList, hrList] = await Promise.all([employee.listResources(), hr.listResources()]);
    expect(employeeList.resources.map((r) => r.uri)).not.toContain('confluence://page/2002');
    expect(hrList.resources.map((r) => r.uri)).toContain('confluence://page/2002');
    await expect(employee.readResource({ uri: 'confluence://page/2002' })).rejects.toThrow('Resource confluence://page/2002 not found.');
    expect((await hr.readResource({ uri: 'confluence://page/2002' })).contents).toHaveLength(1);
    expect(server.stdout()).toBe('');
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/serving local site site \(\d+ pages\) over HTTP at http:\/\/127\.0\.0\.1:\d+\/mcp \(stateful sessions\), auth bearer tokens from .*tokens\.json \(2 agent, 1 reviewer\), policy .*policy\.json/);
    expect(lines[0]).not.toContain(sha256Hex(tokens.employee));
  });

  it('refuses to start unauthenticated on a non-loopback address', async () => {
    const fixture = writeFixture();
    const proc = run(['--http', '--host', '0.0.0.0', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/cannot start: refusing to serve unauthenticated on 0\.0\.0\.0/);
  });

  it('refuses to start on an invalid tokens file or unknown users, naming entries, never hashes', async () => {
    const fixture = writeFixture();
    const file = join(fixture.root, 'tokens.json');
    writeFileSync(file, JSON.stringify([{ tokenSha256: sha256Hex('x'), user: 'mallory', role: 'agent' }]));
    const unknown = run(['--http', '--port', '0', '--tokens', file, '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr()).toMatch(/cannot start: tokens file .*: unknown users:\n {2}- entry 0 \(user "mallory"\)/);
    expect(unknown.stderr()).not.toContain(sha256Hex('x'));

    writeFileSync(file, JSON.stringify([{ tokenSha256: 'xyz', user: 'erin@example.test', role: 'boss' }]));
    const invalid = run(['--http', '--port', '0', '--tokens', file, '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    expect(await invalid.exited).toBe(1);
    expect(invalid.stderr()).toMatch(/entry 0.tokenSha256[^]*entry 0.role/);
  });

  it('on SIGTERM finishes the call in flight, then exits 0', async () => {
    stub = await startConfluenceStub({ ...demoConfluenceSite(), apiToken: 'stub-token' });
    const fixture = writeFixture({
      policy: { read: { spaces: ['ENG'] }, draft: { spaces: [] }, jira: { projects: ['KB'], defaultProject: 'KB' }, labels: { deny: [] }, staleness: { defaultDays: 3650 }, readOnly: true },
    });
    const { file, tokens } = writeTokens({ sam: { user: 'acc-sam-0002', role: 'agent' } }, fixture.root);
    const server = await start(['--policy', fixture.policyFile, '--data-dir', fixture.dataDir, '--tokens', file], {
      CONFLUENCE_URL: stub.url,
      CONFLUENCE_USERNAME: 'mia@example.com',
      CONFLUENCE_API_TOKEN: 'stub-token',
    });
    expect(server.stderr()).toMatch(/Confluence as each user/);
    const sam = await connect(server.url, bearer(tokens.sam));
    clients.push(sam);
    stub.latencyMs = 300;
    const pending = call(sam, 'get_page', { pageId: '2001' });
    while (stub.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    server.child.kill('SIGTERM');
    const result = await pending;
    expect(result.isError, text(result)).toBeFalsy();
    expect(result.structuredContent!.markdown).toContain('Run the **deploy** pipeline');
    expect(await server.exited).toBe(0);
    expect(server.stderr()).toMatch(/SIGTERM: finishing 1 in-flight request\(s\)/);
    expect(server.stderr()).toMatch(/stopped/);
  });
});
