/**
 * The Jira tracker in Data Center mode (REST v2, PAT, context path) through the real jira.js
 * client against the loopback stub in Data Center mode. As for Cloud, every test asks: how many
 * issues exist afterwards, and what was the caller told?
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdfDocument, IssueRequest } from '../../src/adapters/issue-tracker.js';
import { adfToWikiMarkup } from '../../src/adapters/jira/adf-to-wiki.js';
import { createJiraTracker } from '../../src/adapters/jira/jira-tracker.js';
import { UpstreamError } from '../../src/errors.js';
import { startJiraStub, type JiraStub } from '../support/jira-stub.js';

const PAT = 'jira-pat-1';
const description: AdfDocument = {
  type: 'doc',
  version: 1,
  content: [
    { type: 'paragraph', content: [{ type: 'text', text: 'The *runbook* lacks [rollback] steps {code}' }] },
    { type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Affected pages' }] },
    {
      type: 'bulletList',
      content: [
        {
          type: 'listItem',
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Deploy guide (ENG)', marks: [{ type: 'link', attrs: { href: 'https://wiki.example.com/display/ENG/Deploy|x' } }] }] }],
        },
      ],
    },
  ],
};
const request = (labels = ['kb-gap', 'steward-draft-7']): IssueRequest => ({ projectKey: 'KB', issueType: 'Task', summary: 'Document the rollback', description, labels });

let stub: JiraStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function setup(token = PAT) {
  stub = await startJiraStub({ projects: ['KB'], dataCenter: { contextPath: '/jira', personalToken: PAT } });
  const sleeps: number[] = [];
  const tracker = createJiraTracker({
    deployment: 'datacenter',
    baseUrl: stub.baseUrl,
    auth: { type: 'bearer', token },
    onSchemaMismatch: 'throw',
    retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    timeoutMs: 2_000,
  });
  return { stub, tracker, sleeps };
}

describe('Jira Data Center', () => {
  it('creates through REST v2 under the context path with a wiki-markup description, and finds it by label', async () => {
    const { stub, tracker } = await setup();
    const created = await tracker.createIssue(request());
    expect(created).toEqual({ id: expect.any(String), key: 'KB-1', url: `${stub.baseUrl}/browse/KB-1` });
    expect(stub.baseUrl).toMatch(/\/jira$/);
    expect(stub.issues).toHaveLength(1);
    expect(typeof stub.issues[0].description).toBe('string');
    expect(stub.issues[0].description).toBe(adfToWikiMarkup(description));
    expect(stub.requestsTo('POST', '/rest/api/2/issue')).toHaveLength(1);
    expect(stub.requestsTo('GET', '/rest/api/2/myself')).toHaveLength(1);
    expect(stub.requests.some((r) => r.path.includes('/rest/api/3/'))).toBe(false);
    expect(await tracker.findByIdempotencyLabel('steward-draft-7', 'KB')).toEqual(created);
    const search = stub.requestsTo('GET', '/rest/api/2/search').at(-1)!;
    expect(search.query.jql).toBe('project = "KB" AND labels = "steward-draft-7" ORDER BY created ASC');
  });

  it('a create whose answer is lost is recovered by the label lookup: exactly one issue', async () => {
    const { stub, tracker } = await setup();
    stub.createButDropResponse();
    const created = await tracker.createIssue(request());
    expect(created.key).toBe('KB-1');
    expect(stub.issuesWithLabel('steward-draft-7')).toHaveLength(1);
    expect(stub.requestsTo('POST', '/rest/api/2/issue')).toHaveLength(1);
  });

  it('a PAT served as anonymous fails closed: no "not found", no create', async () => {
    const { stub, tracker } = await setup('wrong-pat');
    const lookup = await tracker.findByIdempotencyLabel('steward-draft-7', 'KB').catch((e: unknown) => e);
    expect(lookup).toBeInstanceOf(UpstreamError);
    expect((lookup as Error).message).toMatch(/401.*JIRA_PERSONAL_TOKEN/);
    const create = await tracker.createIssue(request()).catch((e: unknown) => e);
    expect(create).toBeInstanceOf(UpstreamError);
    expect(stub.requestsTo('POST', '/rest/api/2/issue')).toHaveLength(0);
    expect(stub.requestsTo('GET', '/rest/api/2/search')).toHaveLength(0);
    expect(stub.issues).toHaveLength(0);
  });

  it('waits out a 429 Retry-After on create and creates once', async () => {
    const { stub, tracker, sleeps } = await setup();
    stub.failNext(1, { status: 429, retryAfter: '2' }, { method: 'POST', path: '/rest/api/2/issue' });
    await tracker.createIssue(request());
    expect(sleeps).toEqual([2000]);
    expect(stub.issues).toHaveLength(1);
  });
});

describe('ADF to wiki markup', () => {
  it('keeps agent text as text: markup characters are escaped, links are whole', () => {
    expect(adfToWikiMarkup(description)).toBe(
      'The \\*runbook\\* lacks \\[rollback\\] steps \\{code\\}\n\nh3. Affected pages\n\n* [Deploy guide (ENG)|https://wiki.example.com/display/ENG/Deploy%7Cx]',
    );
  });
});
