import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI } from '../support/cli.js';
import { USERS, writeFixture } from '../support/fixture-site.js';

// Starts real processes: explicit, generous limits so that a busy machine slows this file down instead of failing it.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`);
});

/** Runs the CLI with its stdout pipe closed before it writes (what `… | head -1` does once head has its line). */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('the CLI when its output pipe closes', () => {
  it.each([[['--help']], [['--version']]])('%j exits 0 without a stack trace', async (args) => {
    const result = await runWithClosedStdout(args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('drafts list exits 0 without a stack trace', async () => {
    const fixture = writeFixture();
    const result = await runWithClosedStdout(['drafts', 'list', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir, '--as', USERS.hr.email]);
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(result.code).toBe(0);
  });

  it.each([['--help'], ['drafts list']])('a real shell pipe into a reader that has gone (`%s | true`) ends with status 0', async (command) => {
    const fixture = writeFixture();
    const flags = command === '--help' ? '' : ` --site "${fixture.siteDir}" --policy "${fixture.policyFile}" --data-dir "${fixture.dataDir}" --as ${USERS.hr.email}`;
    const child = spawn('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" ${command}${flags} | true`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(0);
  });
});
