import { describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';
import { USERS, writeFixture } from '../support/fixture-site.js';

/** Finding 10 (issue 12): a data directory that cannot be created is a clear error, not a hang. */
describe('--data-dir that cannot be created', () => {
  it('refuses /proc/… at once with the reason, instead of hanging', async () => {
    const fixture = writeFixture();
    const running = startCli(['drafts', 'list', '--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', '/proc/steward-data', '--as', USERS.hr.email]);
    const timer = setTimeout(() => running.child.kill('SIGKILL'), 15_000);
    const result = await running.done;
    clearTimeout(timer);
    expect(result.code, 'exited on its own').toBe(1);
    expect(result.stderr).toMatch(/cannot create the data directory \/proc\/steward-data/);
  }, 30_000);
});
