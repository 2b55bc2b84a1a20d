import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStewardDb } from '../../src/store/database.js';
import { FIXTURE_POLICY, USERS, writeFixture } from '../support/fixture-site.js';
import { type JiraStub, startJiraStub } from '../support/jira-stub.js';
import { runModule, runtimePrelude } from '../support/node-child.js';
import { BACKEND_NAMES, type StoreBackend, startBackend } from '../support/store-backends.js';

const DRAFTS = 60;
const REPLICAS = 4;

/**
 * Replicas on one store: four reviewer processes approve the same drafts at the same instant,
 * in the same order, each sending to the same (loopback) Jira. Each approval executes exactly
 * once (one issue at Jira, one approve, one execute and one succeed row per draft), none is
 * lost, and every other attempt is refused.
 */
function replica(flags: Record<string, unknown>, env: Record<string, string>, ids: number[], startAt: number): Promise<string> {
  return runModule(`
    ${runtimePrelude(flags, env)}
    const gate = runtime.gateFor(runtime.identity, 'reviewer');
    while (Date.now() < ${startAt}) {}
    let executed = 0;
    let refused = 0;
    for (const id of ${JSON.stringify(ids)}) {
      try {
        const report = await services.drafts.approve(gate, id, 1);
        if (report.draft.status === 'executed') executed++;
      } catch (error) {
        if (!error || typeof error.code !== 'string') throw error;
        refused++;
      }
    }
    process.stdout.write(JSON.stringify({ executed, refused }));
    await runtime.close();
  `);
}

describe.each(BACKEND_NAMES)('replicas approving together on %s', (name) => {
  let backend: StoreBackend;
  let jira: JiraStub;
  beforeAll(async () => {
    backend = await startBackend(name);
    jira = await startJiraStub({ projects: ['IT'] });
  }, 120_000);
  afterAll(async () => {
    await jira?.close();
    await backend?.stop();
  }, 60_000);

  it(`${REPLICAS} processes approving the same ${DRAFTS} drafts execute each exactly once`, async () => {
    const fixture = writeFixture({ policy: { ...FIXTURE_POLICY, limits: { pendingDraftsPerHour: 1000 } } });
    openStewardDb(fixture.dataDir).close();
    const store = await backend.open();
    try {
      const ids: number[] = [];
      for (let i = 0; i < DRAFTS; i++) {
        const payload = { projectKey: 'IT', issueType: 'Task', summary: `Gap ${i}`, gap: 'missing', question: null, labels: [], pages: [], likelyOwner: null };
        ids.push((await store.drafts.create({ kind: 'jira', drafter: USERS.employee.accountId, drafterName: USERS.employee.displayName, role: 'agent', spaces: [], title: `Gap ${i}`, payload })).id);
      }
      const where = 'databaseUrl' in store.location ? { databaseUrl: store.location.databaseUrl } : { dataDir: store.location.dataDir };
      const flags = { site: fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir, as: USERS.hr.email, role: 'reviewer', ...where };
      const startAt = Date.now() + 3_000;
      const env = { JIRA_URL: jira.baseUrl, JIRA_USERNAME: jira.email, JIRA_API_TOKEN: jira.apiToken };
      const results = (await Promise.all(Array.from({ length: REPLICAS }, () => replica(flags, env, ids, startAt)))).map((out) => JSON.parse(out) as { executed: number; refused: number });

      expect(results.reduce((sum, r) => sum + r.executed, 0)).toBe(DRAFTS);
      expect(results.reduce((sum, r) => sum + r.refused, 0)).toBe(DRAFTS * (REPLICAS - 1));
      // Exactly DRAFTS executions at Jira: one create request and one issue per draft, none lost.
      expect(jira.requestsTo('POST', '/rest/api/3/issue')).toHaveLength(DRAFTS);
      expect(jira.issues).toHaveLength(DRAFTS);
      for (const id of ids) {
        expect(await store.drafts.get(id)).toMatchObject({ status: 'executed', attempts: 1, decidedBy: USERS.hr.accountId, target: 'jira' });
        expect(jira.issuesWithLabel(`steward-draft-${id}`)).toHaveLength(1);
      }
      const allowed = (await store.audit.list({ tool: 'drafts', decision: 'allow', limit: 10_000 })).filter((row) => row.action !== 'create');
      for (const action of ['approve', 'execute', 'succeed']) {
        const subjects = allowed.filter((row) => row.action === action).map((row) => Number(row.subject)).sort((a, b) => a - b);
        expect(subjects, action).toEqual(ids);
      }
    } finally {
      await store.close();
    }
  }, 240_000);
});
