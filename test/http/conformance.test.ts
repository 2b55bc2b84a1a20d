import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir, writeFixture } from '../support/fixture-site.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance) against the real
 * `serve --http`, for the server scenarios that test this server's own surface: tools, page
 * resources (resources/list) and prompts (prompts/list). The suite needs
 * Node >= 22, so test/http/conformance/ pins it together with a Node 22 from the npm registry;
 * `npm install` in a checkout installs it (the `prepare` script runs scripts/install-conformance.mjs),
 * so a missing suite is a failure here, never a silent skip.
 *
 * Not run: scenarios that call the suite's own fixtures by name, which a real server does not
 * have and should not fake — test tools (test_image_content, test_sampling, ...), resources
 * (resources-read-text reads test://static-text, resources-templates-read test://template/123/data,
 * resources-read-binary, resources-subscribe/-unsubscribe test://watched-resource), prompts
 * (test_simple_prompt, test_prompt_with_arguments, ...) and completion-complete, which completes
 * an argument of test_prompt_with_arguments (an unknown prompt is an InvalidParams error, as the
 * specification says). Reading pages, the templates, prompts/get and completion are tested through
 * a real SDK client in test/tools/resources-prompts.test.ts.
 */
const RUNNER_DIR = join(process.cwd(), 'test', 'http', 'conformance');
const NODE_22 = join(RUNNER_DIR, 'node_modules', 'node', 'bin', 'node');
const SUITE = join(RUNNER_DIR, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const CLI = join(process.cwd(), 'dist', 'cli.mjs');
const installed = existsSync(NODE_22) && existsSync(SUITE);

const STATEFUL_SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'logging-set-level', 'server-sse-multiple-streams', 'dns-rebinding-protection'];
const STATELESS_SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'logging-set-level', 'dns-rebinding-protection'];

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

if (!installed) {
  describe('MCP conformance suite', () => {
    it('is installed (npm install does it; or npm ci --prefix test/http/conformance)', () => {
      throw new Error(`the conformance suite is not installed in ${RUNNER_DIR}: run npm ci --prefix test/http/conformance`);
    });
  });
}

async function startServer(extra: string[]): Promise<{ child: ChildProcess; url: string }> {
  const fixture = writeFixture();
  const child = spawn(process.execPath, [CLI, 'serve', '--http', '--port', '0', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir, ...extra], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line: ${stderr}`)), 60_000);
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      const match = /over HTTP at (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('close', () => reject(new Error(`server exited: ${stderr}`)));
  });
  return { child, url };
}

/** Runs one scenario with the suite's own CLI under Node 22; returns its exit code and checks. */
async function runScenario(url: string, scenario: string): Promise<{ code: number | null; checks: Check[]; output: string }> {
  const out = tempDir('conformance');
  const child = spawn(NODE_22, [SUITE, 'server', '--url', url, '--scenario', scenario, '-o', out], {
    cwd: out,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const checks = readdirSync(out)
    .filter((dir) => existsSync(join(out, dir, 'checks.json')))
    .flatMap((dir) => JSON.parse(readFileSync(join(out, dir, 'checks.json'), 'utf8')) as Check[]);
  return { code, checks, output };
}

for (const [mode, flags, scenarios] of [
  ['stateful', [], STATEFUL_SCENARIOS],
  ['stateless', ['--stateless'], STATELESS_SCENARIOS],
] as const) {
  describe.skipIf(!installed)(`MCP conformance suite against serve --http (${mode}, loopback)`, () => {
    let server: { child: ChildProcess; url: string };
    beforeAll(async () => {
      server = await startServer([...flags]);
    });
    afterAll(() => {
      server?.child.kill('SIGTERM');
    });

    it.each(scenarios)('%s passes', async (scenario) => {
      const result = await runScenario(server.url, scenario);
      const failed = result.checks.filter((check) => check.status !== 'SUCCESS' && check.status !== 'INFO');
      expect(failed, result.output).toEqual([]);
      expect(result.checks.filter((check) => check.status === 'SUCCESS').length, result.output).toBeGreaterThan(0);
      expect(result.code, result.output).toBe(0);
    });
  });
}
