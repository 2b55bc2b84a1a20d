import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { servicesFor } from '../../src/services/services.js';
import { openPgSharedStore } from '../../src/store/pg-shared-store.js';
import { call, connect, startTestServer } from '../http/support.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { type TestPostgres, startPostgres } from '../support/postgres.js';

/** The PostgreSQL store as a deployment gets it: through the configuration, migrated at start. */
describe('PostgreSQL store through the runtime', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  it('STEWARD_DATABASE_URL puts drafts and the gate\'s audit rows in PostgreSQL; the trust report refuses plainly', async () => {
    const url = await server.database();
    const fixture = writeFixture();
    const runtime = await createRuntime(resolveConfig({ site: fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir, as: USERS.employee.email }, { STEWARD_DATABASE_URL: url }));
    try {
      expect(runtime.shared.kind).toBe('postgres');
      const services = servicesFor(runtime);
      const agent = runtime.gateFor(runtime.identity, 'agent');
      const { draft } = await services.drafts.draftJira(agent, { summary: 'VPN page lacks Linux steps' });
      // Returning the identical pending draft is a decision the gate records itself.
      expect((await services.drafts.draftJira(agent, { summary: 'VPN page lacks Linux steps' })).duplicate).toBe(true);
      const report = await services.reports.build(runtime.gateFor(runtime.identity, 'reviewer'), 'trust_report');
      expect(report.approvals.total).toMatchObject({ drafted: 1, pending: 1 });
      expect(report.audit.rows.map((row) => `${row.action} ${row.subject}`)).toContain(`create ${draft.id}`);
      await runtime.audit.flush();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        expect((await client.query('SELECT title, status FROM drafts WHERE id = $1', [draft.id])).rows).toEqual([{ title: 'VPN page lacks Linux steps', status: 'pending' }]);
        const audit = (await client.query(`SELECT tool, action, decision FROM audit WHERE tool = 'drafts'`)).rows;
        expect(audit).toEqual([{ tool: 'drafts', action: 'create', decision: 'allow' }]);
        // The gate's own decisions (written in the background, flushed above) are there too.
        const gateTools = (await client.query(`SELECT DISTINCT tool FROM audit WHERE tool <> 'drafts'`)).rows.map((row) => row.tool);
        expect(gateTools).toContain('draft_jira');
      } finally {
        await client.end();
      }
    } finally {
      await runtime.close();
    }
    // The local SQLite file holds no drafts: nothing was split between the two.
    const { openStewardDb } = await import('../../src/store/database.js');
    const local = openStewardDb(fixture.dataDir);
    expect((local.prepare('SELECT count(*) AS n FROM drafts').get() as { n: number }).n).toBe(0);
    local.close();
  }, 60_000);

  it('replicas starting together migrate once, and a database newer than the code refuses to start', async () => {
    const url = await server.database();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPgSharedStore(url, { poolSize: 2 })));
    await Promise.all(stores.map((store) => store.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM steward_schema')).rows).toEqual([{ version: 1 }]);
      await client.query('INSERT INTO steward_schema (version) VALUES (99)');
    } finally {
      await client.end();
    }
    await expect(openPgSharedStore(url)).rejects.toThrow(/schema version 99, newer than this confluence-steward \(1\)/);
  }, 60_000);

  it('a database that cannot be reached fails the start within seconds, with the reason', async () => {
    const fixture = writeFixture();
    const config = resolveConfig({ site: fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir }, { STEWARD_DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' });
    await expect(createRuntime(config)).rejects.toThrow(/ECONNREFUSED|connect/);
  }, 30_000);
});

describe('a replica whose PostgreSQL goes away', () => {
  it('/healthz turns 503 and a drafting call ends in an isError naming the outage, without a hang or a crash; both recover when it returns', async () => {
    const own = await startPostgres({ keepDataOnStop: true });
    let stopped = false;
    const server = await startTestServer({ as: USERS.employee.email, env: { STEWARD_DATABASE_URL: await own.database() } });
    try {
      const health = () => fetch(server.server.url.replace('/mcp', '/healthz'));
      const before = await health();
      expect([before.status, await before.json()]).toEqual([200, { status: 'ok' }]);
      const client = await connect(server.server.url);
      expect((await call(client, 'draft_jira', { summary: 'VPN page lacks Linux steps' })).isError).toBeFalsy();
      await own.stop();
      stopped = true;
      const after = await health();
      expect([after.status, await after.json()]).toEqual([503, { status: 'database unavailable' }]);
      const refused = await call(client, 'draft_jira', { summary: 'Printer page is out of date' });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/database \(PostgreSQL\) cannot be reached right now; nothing was changed/);

      if (own.restart) {
        await own.restart();
        stopped = false;
        const back = await health();
        expect([back.status, await back.json()]).toEqual([200, { status: 'ok' }]);
        const again = await call(client, 'draft_jira', { summary: 'Printer page is out of date' });
        expect(again.isError, JSON.stringify(again.content)).toBeFalsy();
      }
      await client.close();
    } finally {
      await server.server.shutdown();
      await server.runtime.close().catch(() => {});
      if (!stopped) await own.stop();
    }
  }, 120_000);
});
