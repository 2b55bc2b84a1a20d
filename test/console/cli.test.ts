import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { sha256Hex } from '../../src/console/auth.js';
import { runCli, startCli, waitFor } from '../support/cli.js';
import { USERS, writeFixture } from '../support/fixture-site.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** The real CLI (dist/, built by `npm test`'s pretest step). */
describe('review and report commands', () => {
  it('review serves the console on loopback until SIGINT', async () => {
    const fixture = writeFixture();
    const flags = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const running = startCli(['review', ...flags, '--as', USERS.hr.email, '--port', '0']);
    let stderr = '';
    running.child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => /review console at (http:\/\/127\.0\.0\.1:\d+)\//.test(stderr));
    const url = /review console at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)![1];
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in as <strong>Harper HR (acc-hr)</strong>');
    running.child.kill('SIGINT');
    expect((await running.done).code).toBe(0);
  });

  it('review refuses a non-loopback address without tokens, and a reviewer-less start', async () => {
    const fixture = writeFixture();
    const flags = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const exposed = await runCli(['review', ...flags, '--as', USERS.hr.email, '--host', '0.0.0.0', '--port', '0']);
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without reviewer authentication/);
    const nobody = await runCli(['review', ...flags, '--port', '0']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/needs the reviewer identity/);

    const bad = join(fixture.root, 'tokens.json');
    writeFileSync(bad, JSON.stringify([{ tokenSha256: 'abc', user: 'x', role: 'reviewer' }]));
    const invalid = await runCli(['review', ...flags, '--tokens', bad, '--port', '0']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/entry 0\.tokenSha256: must be the hex SHA-256 of the token/);
  });

  it('review with STEWARD_TOKENS asks for a token', async () => {
    const fixture = writeFixture();
    const tokens = join(fixture.root, 'tokens.json');
    writeFileSync(tokens, JSON.stringify([{ tokenSha256: sha256Hex('t0ken'), user: USERS.lead.email, role: 'reviewer' }]));
    const flags = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const running = startCli(['review', ...flags, '--port', '0'], { STEWARD_TOKENS: tokens });
    let stderr = '';
    running.child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => /review console at (http:\/\/[^/]+)\//.test(stderr));
    const url = /review console at (http:\/\/[^/]+)\//.exec(stderr)![1];
    expect((await fetch(`${url}/`)).status).toBe(401);
    const signedIn = await fetch(`${url}/`, { headers: { Authorization: 'Bearer t0ken' } });
    expect(await signedIn.text()).toContain('Lee Lead (acc-lead)');
    running.child.kill('SIGTERM');
    expect((await running.done).code).toBe(0);
  });

  it('report prints the trust report as text or JSON', async () => {
    const fixture = writeFixture();
    const flags = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const text = await runCli(['report', ...flags, '--as', USERS.hr.email, '--days', '30']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Trust report — since \d{4}-\d{2}-\d{2}/);
    expect(text.stdout).toContain('Repeated knowledge gaps');
    const json = await runCli(['report', ...flags, '--as', USERS.hr.email, '--json', '--decision', 'deny']);
    expect(JSON.parse(json.stdout)).toMatchObject({ since: null, audit: { filter: { decision: 'deny' }, total: 0 } });
    expect((await runCli(['report', ...flags])).code).toBe(2);
    expect((await runCli(['report', ...flags, '--as', USERS.hr.email, '--days', 'soon'])).code).toBe(2);
  });
});
