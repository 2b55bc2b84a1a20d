import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { servicesFor } from '../../src/services/services.js';
import { ALL_CHECKS, triagePages } from '../../src/services/triage/triage-service.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { tempDir } from '../support/fixture-site.js';

let stub: ConfluenceStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** flag_stale against Confluence Cloud: the real confluence.js client, a loopback stub, two separate runs. */
describe('flag_stale on Confluence', () => {
  it('scans through CQL, and a second run fetches no unchanged page again', async () => {
    stub = await startConfluenceStub(demoConfluenceSite());
    const root = tempDir('cloud-triage');
    const policy = join(root, 'policy.json');
    writeFileSync(policy, JSON.stringify({ read: { spaces: ['ENG', 'HR'] }, draft: { spaces: ['ENG'] }, jira: { projects: ['KB'], defaultProject: 'KB' }, labels: { deny: [] }, staleness: { defaultDays: 365 }, readOnly: false }));
    const env = { CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: 'sam@example.com', CONFLUENCE_API_TOKEN: 'token' };

    const run = async () => {
      // A new runtime and new services each time, as a second process would have.
      const runtime = await createRuntime(resolveConfig({ dataDir: join(root, 'data'), policy }, env));
      try {
        const services = servicesFor(runtime);
        return await triagePages(runtime.gateFor(runtime.identity, 'agent'), services, { checks: ALL_CHECKS, limit: 50, draft: false }, async () => {}, new AbortController().signal);
      } finally {
        await runtime.close();
      }
    };

    const first = await run();
    expect(first.scanned).toBeGreaterThan(0);
    const cql = stub.cqlSent();
    expect(cql.some((q) => /space IN \("ENG","HR"\)/.test(q) && /ORDER BY lastmodified DESC/.test(q))).toBe(true);
    const fetchesFirst = stub.count('v2.page');
    expect(fetchesFirst).toBeGreaterThan(0);

    stub.clearRequests();
    const second = await run();
    expect(second.scanned).toBe(first.scanned);
    expect(stub.count('v2.page')).toBe(0);
    expect(second.findings).toEqual(first.findings);
  });
});
