import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../policies/policy-schema.js';
import { CLI, runCli } from '../support/cli.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { tempDir, writeFixture } from '../support/fixture-site.js';

// Starts real processes and a loopback Confluence: explicit, generous limits.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const API_TOKEN = 'stub-token';
let stub: ConfluenceStub;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`);
  stub = await startConfluenceStub({ ...demoConfluenceSite(), apiToken: API_TOKEN });
});
afterAll(async () => {
  await stub.close();
});
afterEach(() => stub.clearFaults());

const cloud = (token = API_TOKEN) => ({ CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: 'mia@example.com', CONFLUENCE_API_TOKEN: token });

describe('confluence-steward init', () => {
  it('writes a read-only starter policy naming the source spaces, explains it on stderr, and serve accepts it', async () => {
    const fixture = writeFixture();
    const file = join(tempDir('init'), 'policy.json');
    const result = await runCli(['init', '--site', fixture.siteDir, '--policy', file, '--data-dir', fixture.dataDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    const raw = JSON.parse(text);
    expect(raw.readOnly).toBe(true);
    expect(raw.read.spaces).toEqual(['HR', 'IT', 'SECRET']);
    expect(Array.isArray(raw.$comment)).toBe(true);
    const policy = parsePolicy(text, file);
    expect(policy.readOnly).toBe(true);
    expect(result.stderr).toMatch(/wrote .*policy\.json/);
    expect(result.stderr).toMatch(/HR, IT, SECRET/);
    expect(result.stderr).toMatch(/read-only/);
    expect(result.stderr).toMatch(/serve --policy/);

    const serve = await runCli(['serve', '--site', fixture.siteDir, '--policy', file, '--data-dir', fixture.dataDir]);
    expect(serve.code, serve.stderr).toBe(0);
    expect(serve.stderr).toMatch(/\(read-only\)/);
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    const fixture = writeFixture();
    const file = join(tempDir('init'), 'policy.json');
    writeFileSync(file, '{"read":{"spaces":["MINE"]}}');
    const refused = await runCli(['init', '--site', fixture.siteDir, '--policy', file, '--data-dir', fixture.dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/already exists.*--force/);
    expect(readFileSync(file, 'utf8')).toBe('{"read":{"spaces":["MINE"]}}');

    const forced = await runCli(['init', '--site', fixture.siteDir, '--policy', file, '--data-dir', fixture.dataDir, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).read.spaces).toEqual(['HR', 'IT', 'SECRET']);
  });

  it('writes to STEWARD_POLICY when no --policy is given, never over the shipped default', async () => {
    const fixture = writeFixture();
    const file = join(tempDir('init'), 'from-env.json');
    const result = await runCli(['init', '--site', fixture.siteDir, '--data-dir', fixture.dataDir], { STEWARD_POLICY: file });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).read.spaces).toEqual(['HR', 'IT', 'SECRET']);
  });

  it('lists the spaces of Confluence Cloud', async () => {
    const file = join(tempDir('init'), 'policy.json');
    const result = await runCli(['init', '--policy', file, '--data-dir', tempDir('data')], cloud());
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).read.spaces).toEqual(['ENG', 'HR', 'SECRET']);
  });

  it('writes a placeholder to edit when the source shows no spaces', async () => {
    const spaces = stub.site.spaces;
    stub.site.spaces = [];
    try {
      const file = join(tempDir('init'), 'policy.json');
      const result = await runCli(['init', '--policy', file, '--data-dir', tempDir('data')], cloud());
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(readFileSync(file, 'utf8')).read.spaces).toEqual(['YOUR_SPACE_KEY']);
      expect(result.stderr).toMatch(/no spaces.*YOUR_SPACE_KEY/);
    } finally {
      stub.site.spaces = spaces;
    }
  });

  it('stops with one line, and writes nothing, when Confluence refuses the credentials', async () => {
    const file = join(tempDir('init'), 'policy.json');
    const result = await runCli(['init', '--policy', file, '--data-dir', tempDir('data')], cloud('wrong'));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/rejected the credentials \(401\).*CONFLUENCE_API_TOKEN/);
    expect(existsSync(file)).toBe(false);
  });
});
