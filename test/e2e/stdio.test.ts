import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { CLI, connectServe } from '../support/cli.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });


const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`);
});

async function connect(args: string[], env: Record<string, string> = {}) {
  const client = await connectServe(args, env);
  clients.push(client);
  return client;
}

describe('confluence-steward serve over stdio', () => {
  it('lists the agent tools and searches the configured site', async () => {
    const fixture = writeFixture();
    const client = await connect(['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['search_pages', 'get_page']));
    const result = (await client.callTool({ name: 'search_pages', arguments: { query: 'annual leave days' } })) as CallToolResult;
    expect((result.structuredContent!.results as { id: string }[])[0].id).toBe('2001');
  });

  it('hides a restricted page from one user and shows it to another', async () => {
    const fixture = writeFixture();
    const common = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const employee = await connect([...common, '--as', USERS.employee.email]);
    const hr = await connect(common, { STEWARD_USER: USERS.hr.displayName });

    const hidden = (await employee.callTool({ name: 'get_page', arguments: { pageId: '2002' } })) as CallToolResult;
    const missing = (await employee.callTool({ name: 'get_page', arguments: { pageId: '2999' } })) as CallToolResult;
    expect(hidden.isError).toBe(true);
    expect(JSON.stringify(hidden.content).replace('2002', 'X')).toBe(JSON.stringify(missing.content).replace('2999', 'X'));
    const employeeSearch = (await employee.callTool({ name: 'search_pages', arguments: { query: 'band L4 pays' } })) as CallToolResult;
    expect(JSON.stringify(employeeSearch.structuredContent)).not.toContain('Salary bands');

    const shown = (await hr.callTool({ name: 'get_page', arguments: { pageId: '2002' } })) as CallToolResult;
    expect(shown.isError).toBeFalsy();
    expect(shown.structuredContent!.markdown).toContain('Band L4 pays between 92000 and 118000');
  });

  it('runs on the bundled demo site with no configuration', async () => {
    const fixture = writeFixture();
    const client = await connect(['--data-dir', fixture.dataDir]);
    const result = (await client.callTool({ name: 'search_pages', arguments: { query: 'VPN' } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect((result.structuredContent!.results as unknown[]).length).toBeGreaterThan(0);
  });

  it('writes only MCP messages to stdout and one banner line to stderr', async () => {
    const fixture = writeFixture();
    const child = spawn(process.execPath, [CLI, 'serve', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search_pages', arguments: { query: 'printer' } } },
    ];
    child.stdin.write(messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (stdout.includes('"id":2')) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    child.stdin.end();
    await new Promise((resolve) => child.on('close', resolve));
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBe(2);
    for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe('2.0');
    const banner = stderr.trim().split('\n');
    expect(banner).toHaveLength(1);
    expect(banner[0]).toMatch(/serving local site site \(\d+ pages\) as Erin Employee \(acc-employee\), role agent, policy .*policy\.json/);
  });

  it('refuses to start on an invalid policy, saying why', async () => {
    const fixture = writeFixture({ policy: { read: { spaces: ['IT'] }, readonly: true } });
    const child = spawn(process.execPath, [CLI, 'serve', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/cannot start: policy .* is invalid/);
    expect(stderr).toMatch(/readonly/);
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('refuses an unknown acting user', async () => {
    const fixture = writeFixture();
    const child = spawn(process.execPath, [CLI, 'serve', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir, '--as', 'mallory']);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown user "mallory"/);
  });
});
