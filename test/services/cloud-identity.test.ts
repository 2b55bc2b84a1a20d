import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { type Runtime, createRuntime } from '../../src/runtime.js';
import { createServices } from '../../src/services/services.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/fixture-site.js';

/**
 * Finding 1 (four-eyes bypass in Cloud mode): identities are canonical account ids everywhere.
 * The token owner drafts; the same person under any other spelling cannot approve, and a name
 * Confluence does not know is refused as a reviewer.
 */
const MIA = 'acc-mia-0001';
const API_TOKEN = 'stub-api-token';
const POLICY = {
  read: { spaces: ['ENG', 'HR'] },
  draft: { spaces: ['ENG'] },
  jira: { projects: ['KB'], defaultProject: 'KB' },
  labels: { deny: [] },
  staleness: { defaultDays: 3650 },
  readOnly: false,
  review: { reviewers: { users: [MIA, 'acc-sam-0002'] } },
};

let stub: ConfluenceStub | undefined;
const runtimes: Runtime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
  await stub?.close();
  stub = undefined;
});

async function cloud() {
  stub = await startConfluenceStub({ ...demoConfluenceSite(), apiToken: API_TOKEN });
  const root = tempDir('cloud-ids');
  const policy = join(root, 'policy.json');
  writeFileSync(policy, JSON.stringify(POLICY));
  const env = { CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: 'mia@example.com', CONFLUENCE_API_TOKEN: API_TOKEN };
  const open = async (as: string | undefined, reviewerCli: boolean) => {
    const runtime = await createRuntime(resolveConfig({ policy, dataDir: join(root, 'data'), as, role: reviewerCli ? 'reviewer' : 'agent' }, env), { reviewerCli });
    runtimes.push(runtime);
    return runtime;
  };
  return { open, env, policy, dataDir: join(root, 'data') };
}

describe('Cloud identities are canonical', () => {
  it('records the token owner as their account id, not their email', async () => {
    const { open } = await cloud();
    const agent = await open(undefined, false);
    expect(agent.identity.accountId).toBe(MIA);
    const services = createServices({ db: agent.db, audit: agent.audit });
    const { draft } = await services.drafts.draftJira(agent.gateFor(agent.identity, 'agent'), { summary: 'Runbook lacks rollback steps', pageIds: ['2001'] });
    expect(draft.drafter).toBe(MIA);
  });

  it('the drafter cannot approve as their account id, their email in capitals or their display name', async () => {
    const { open } = await cloud();
    const agent = await open(undefined, false);
    const services = createServices({ db: agent.db, audit: agent.audit });
    const { draft } = await services.drafts.draftJira(agent.gateFor(agent.identity, 'agent'), { summary: 'Runbook lacks rollback steps', pageIds: ['2001'] });
    for (const as of [MIA, 'MIA@EXAMPLE.COM', 'Mia Krystof', 'mia krystof']) {
      const reviewer = await open(as, true);
      expect(reviewer.identity.accountId, as).toBe(MIA);
      const reviewing = createServices({ db: reviewer.db, audit: reviewer.audit });
      await expect(reviewing.drafts.approve(reviewer.gateFor(reviewer.identity, 'reviewer'), draft.id, 1), as).rejects.toThrow(/four-eyes/);
    }
    expect((await services.drafts.get(draft.id)).status).toBe('pending');
  });

  it('refuses a reviewer identity Confluence does not know, with a clear message', async () => {
    const { open } = await cloud();
    await expect(open('Nobody Atall', true)).rejects.toThrow(/--as "Nobody Atall".*no single Confluence user/);
  });

  it('--as for serving must be the token owner under any of their names, and nobody else', async () => {
    const { open } = await cloud();
    expect((await open('Mia Krystof', false)).identity.accountId).toBe(MIA);
    await expect(open('sam@example.com', false)).rejects.toThrow(/token owner/);
  });

  it('the CLI refuses an invented reviewer and the drafter under another name, and nothing is approved', async () => {
    const { open, env, policy, dataDir } = await cloud();
    const agent = await open(undefined, false);
    const services = createServices({ db: agent.db, audit: agent.audit });
    const { draft } = await services.drafts.draftJira(agent.gateFor(agent.identity, 'agent'), { summary: 'Runbook lacks rollback steps', pageIds: ['2001'] });
    const flags = ['--policy', policy, '--data-dir', dataDir, '--revision', '1'];
    const nobody = await runCli(['drafts', 'approve', String(draft.id), ...flags, '--as', 'Nobody Atall'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/no single Confluence user has that account id, email or display name/);
    const capitals = await runCli(['drafts', 'approve', String(draft.id), ...flags, '--as', 'MIA@EXAMPLE.COM'], env);
    expect(capitals.code).toBe(1);
    expect(capitals.stderr).toMatch(/four-eyes/);
    expect((await services.drafts.get(draft.id)).status).toBe('pending');
  }, 60_000);
});
