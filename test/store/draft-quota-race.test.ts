import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStewardDb } from '../../src/store/database.js';
import { FIXTURE_POLICY, USERS, writeFixture } from '../support/fixture-site.js';
import { runModule, runtimePrelude } from '../support/node-child.js';
import { BACKEND_NAMES, type StoreBackend, startBackend } from '../support/store-backends.js';

/**
 * Finding 7 (issue 12): the hourly draft quota is one transaction. Several processes of one
 * user, started at the same instant, drafting as fast as they can, never get past the cap:
 * on one SQLite file, and as replicas on one PostgreSQL database. Uses the built CLI modules
 * (dist/), like the end-to-end tests.
 */
function child(flags: Record<string, unknown>, startAt: number, tag: string): Promise<string> {
  return runModule(`
    ${runtimePrelude(flags)}
    const gate = runtime.gateFor(runtime.identity, 'agent');
    while (Date.now() < ${startAt}) {}
    let made = 0;
    for (let i = 0; i < 12; i++) {
      try { await services.drafts.draftJira(gate, { summary: 'Gap ${tag} number ' + i }); made++; } catch {}
    }
    process.stdout.write(String(made));
    await runtime.close();
  `);
}

describe.each(BACKEND_NAMES)('draft quota across processes on %s', (name) => {
  let backend: StoreBackend;
  beforeAll(async () => {
    backend = await startBackend(name);
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
  }, 60_000);

  it('four processes of one user create at most the hourly cap, however they interleave', async () => {
    for (let round = 0; round < 3; round++) {
      const fixture = writeFixture({ policy: { ...FIXTURE_POLICY, limits: { pendingDraftsPerHour: 3 } } });
      // Migrate first (the shared store, and the local SQLite file the page cache keeps even
      // with PostgreSQL), so the children race on drafting, not on creating the schema.
      openStewardDb(fixture.dataDir).close();
      const store = await backend.open();
      const where = 'databaseUrl' in store.location ? { databaseUrl: store.location.databaseUrl } : { dataDir: store.location.dataDir };
      const flags = { site: fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir, as: USERS.employee.email, ...where };
      const startAt = Date.now() + 2_500;
      const made = await Promise.all(['a', 'b', 'c', 'd'].map((tag) => child(flags, startAt, tag)));
      const count = (await store.drafts.list({ limit: 1000 })).length;
      await store.close();
      expect(count, `round ${round}`).toBe(3);
      expect(made.map(Number).reduce((a, b) => a + b, 0), `round ${round}`).toBe(3);
    }
  }, 180_000);
});
