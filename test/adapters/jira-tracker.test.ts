/**
 * The Jira adapter through the real jira.js client against the loopback stub. The question
 * every test answers: how many issues exist afterwards, and what was the caller told?
 */
import fc from 'fast-check';
import { createCloudClient } from 'jira.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJiraTracker, type JiraTransportOptions } from '../../src/adapters/jira/jira-tracker.js';
import { idempotencyLabelJql } from '../../src/adapters/jira/jql.js';
import type { AdfDocument, IssueRequest } from '../../src/adapters/issue-tracker.js';
import { InvalidInputError, UpstreamError } from '../../src/errors.js';
import { startJiraStub, type JiraStub } from '../support/jira-stub.js';

const ISSUE = '/rest/api/3/issue';
const SEARCH = '/rest/api/3/search/jql';

const description: AdfDocument = {
  type: 'doc',
  version: 1,
  content: [
    { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Gap found in the runbook' }] },
    {
      type: 'paragraph',
      content: [
        { type: 'text', text: 'See ' },
        { type: 'text', text: 'Deploy guide', marks: [{ type: 'link', attrs: { href: 'https://example.atlassian.net/wiki/x/1' } }] },
      ],
    },
  ],
};

function request(overrides: Partial<IssueRequest> = {}): IssueRequest {
  return {
    projectKey: 'KB',
    issueType: 'Task',
    summary: 'Document the rollback procedure',
    description,
    labels: ['kb-gap', 'steward-draft-12'],
    ...overrides,
  };
}

let stub: JiraStub;
let sleeps: number[];

function tracker(overrides: Partial<JiraTransportOptions & { email: string; apiToken: string }> = {}) {
  return createJiraTracker({
    baseUrl: stub.baseUrl,
    email: stub.email,
    apiToken: stub.apiToken,
    retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    // Any incomplete stub body fails the test instead of warning.
    onSchemaMismatch: 'throw',
    timeoutMs: 2_000,
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  stub = await startJiraStub({ projects: ['KB', 'OPS'] });
});
afterAll(async () => {
  await stub.close();
});
afterEach(() => {
  stub.reset();
  sleeps = [];
});
sleeps = [];

describe('createIssue', () => {
  it('creates the issue with an ADF description through REST v3', async () => {
    const created = await tracker().createIssue(request());

    expect(created).toEqual({ id: '10000', key: 'KB-1', url: `${stub.baseUrl}/browse/KB-1` });
    expect(stub.issues).toHaveLength(1);
    const [issue] = stub.issues;
    expect(issue).toMatchObject({ projectKey: 'KB', issueType: 'Task', summary: 'Document the rollback procedure', labels: ['kb-gap', 'steward-draft-12'] });
    expect(issue.description).toEqual(description);
    expect(issue.rawFields).toEqual({
      project: { key: 'KB' },
      issuetype: { name: 'Task' },
      summary: 'Document the rollback procedure',
      description,
      labels: ['kb-gap', 'steward-draft-12'],
    });
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${ISSUE}`]);
    expect(stub.requests[0].authenticated).toBe(true);
    expect(sleeps).toEqual([]);
  });

  it('turns a 400 into a readable UpstreamError and does not retry', async () => {
    const error = await rejection(tracker().createIssue(request({ summary: '' })));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('Jira rejected the issue: summary: You must specify a summary of the issue.');
    expect(stub.requests).toHaveLength(1);
    expect(stub.issues).toHaveLength(0);
    expect(sleeps).toEqual([]);
  });

  it('keeps errorMessages and field errors from an injected 400', async () => {
    stub.failNext(1, { status: 400, body: { errorMessages: ["Field 'priority' is required"], errors: { components: 'Component/s is required.' } } });
    const error = await rejection(tracker().createIssue(request()));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain("Jira rejected the issue: Field 'priority' is required; components: Component/s is required.");
    expect(stub.requests).toHaveLength(1);
  });

  it('reports labels with spaces, unknown projects and issue types as Jira does', async () => {
    const labels = await rejection(tracker().createIssue(request({ labels: ['kb gap', 'steward-draft-12'] })));
    expect(labels.message).toContain("labels: The label 'kb gap' contains spaces which is invalid.");
    const project = await rejection(tracker().createIssue(request({ projectKey: 'NOPE' })));
    expect(project.message).toContain('project: valid project is required');
    const type = await rejection(tracker().createIssue(request({ issueType: 'Saga' })));
    expect(type.message).toContain('issuetype: Specify a valid issue type');
    expect(stub.issues).toHaveLength(0);
    expect(stub.requestsTo('GET', SEARCH)).toHaveLength(0);
  });

  it('retries a 429 directly, honouring Retry-After', async () => {
    stub.failNext(1, { status: 429, retryAfter: '2' });
    const created = await tracker().createIssue(request());

    expect(created.key).toBe('KB-1');
    expect(sleeps).toEqual([2000]);
    // A 429 means "not processed": no lookup is needed before re-sending.
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${ISSUE}`, `POST ${ISSUE}`]);
    expect(stub.issues).toHaveLength(1);
  });

  it('caps an absurd Retry-After at maxDelayMs', async () => {
    stub.failNext(2, { status: 429, retryAfter: '9223372036854775807' });
    const created = await tracker({ retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_500 } }).createIssue(request());

    expect(created.key).toBe('KB-1');
    expect(sleeps).toEqual([1500, 1500]);
    expect(stub.issues).toHaveLength(1);
  });

  it('handles a 429 with an HTML body', async () => {
    stub.failNext(1, { htmlBody: true, status: 429, retryAfter: '1' });
    const created = await tracker().createIssue(request());
    expect(created.key).toBe('KB-1');
    expect(sleeps).toEqual([1000]);

    stub.reset();
    sleeps = [];
    stub.failNext(10, { htmlBody: true, status: 429 });
    const error = await rejection(tracker({ retry: { attempts: 3, baseDelayMs: 100 } }).createIssue(request()));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/rate limiting.*nothing was created/);
    expect(error.message).not.toMatch(/<|html/i);
    expect(sleeps).toEqual([100, 200]); // no Retry-After: exponential backoff
    expect(stub.issues).toHaveLength(0);
  });

  it('advertises a capped Retry-After when the rate limit persists', async () => {
    stub.failNext(10, { status: 429, retryAfter: '30' });
    const error = await rejection(tracker({ retry: { attempts: 2, maxDelayMs: 1_000 } }).createIssue(request()));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryAfterSeconds).toBe(30);
    expect(sleeps).toEqual([1000]);
  });

  it('after a 503 that created nothing, looks up the label, then re-sends once', async () => {
    stub.failNext(1, { status: 503 }, { method: 'POST', path: ISSUE });
    const created = await tracker().createIssue(request());

    expect(created.key).toBe('KB-1');
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${ISSUE}`, `GET ${SEARCH}`, `POST ${ISSUE}`]);
    expect(stub.issuesWithLabel('steward-draft-12')).toHaveLength(1);
    expect(stub.issues).toHaveLength(1);
  });

  it('after a 503 that DID create the issue, returns that issue without re-sending', async () => {
    stub.failNext(1, { status: 503, createAnyway: true }, { method: 'POST', path: ISSUE });
    const created = await tracker().createIssue(request());

    expect(created).toEqual({ id: stub.issues[0].id, key: 'KB-1', url: `${stub.baseUrl}/browse/KB-1` });
    expect(stub.requestsTo('POST', ISSUE)).toHaveLength(1);
    expect(stub.issues).toHaveLength(1);
  });

  it('recovers by JQL lookup when the connection drops after the issue was created', async () => {
    stub.createButDropResponse();
    const created = await tracker().createIssue(request());

    expect(stub.issues).toHaveLength(1);
    expect(created).toEqual({ id: stub.issues[0].id, key: stub.issues[0].key, url: `${stub.baseUrl}/browse/${stub.issues[0].key}` });
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${ISSUE}`, `GET ${SEARCH}`]);
    expect(stub.requests[1].query).toMatchObject({
      jql: 'project = "KB" AND labels = "steward-draft-12" ORDER BY created ASC',
      fields: ['summary', 'labels'],
    });
  });

  it('recovers from a timed-out create whose issue landed', async () => {
    stub.failNext(1, { delayMs: 1_000, processFirst: true }, { method: 'POST', path: ISSUE });
    const created = await tracker({ timeoutMs: 150 }).createIssue(request());

    expect(created.key).toBe('KB-1');
    expect(stub.issues).toHaveLength(1);
    expect(stub.requestsTo('POST', ISSUE)).toHaveLength(1);
  });

  it('accepts a late answer from a timed-out create instead of sending again', async () => {
    stub.failNext(1, { delayMs: 250, processFirst: true }, { method: 'POST', path: ISSUE });
    const created = await tracker({ timeoutMs: 150 }).createIssue(request());

    expect(created.key).toBe('KB-1');
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${ISSUE}`]);
    expect(stub.issues).toHaveLength(1);
  });

  it('never sends a second create while the first is still in flight', async () => {
    // Jira hangs before processing; the request lands long after the adapter gave up on it.
    stub.failNext(1, { delayMs: 600 }, { method: 'POST', path: ISSUE });
    const error = await rejection(tracker({ timeoutMs: 100 }).createIssue(request()));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('Jira did not confirm the issue after 1 attempt (last error: no answer within 100 ms)');
    expect(error.message).toContain('was not sent again (Jira may yet create the issue)');
    expect(error.message).toContain('Retrying the approval is safe');
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST ${ISSUE}`, `GET ${SEARCH}`]);

    await vi.waitFor(() => expect(stub.issues).toHaveLength(1), { timeout: 2_000 });
    // The approval retried later finds the issue instead of creating another.
    expect(await tracker().findByIdempotencyLabel('steward-draft-12', 'KB')).toMatchObject({ key: 'KB-1' });
    expect(stub.requestsTo('POST', ISSUE)).toHaveLength(1);
  });

  it('gives up on a persistent 500 with an actionable UpstreamError, never duplicating', async () => {
    stub.failNext(100, { status: 500 }, { method: 'POST', path: ISSUE });
    const error = await rejection(tracker({ retry: { attempts: 3, baseDelayMs: 100 } }).createIssue(request()));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('Jira did not confirm the issue after 3 attempts (last error: HTTP 500');
    expect(error.message).toContain('No issue labelled steward-draft-12 was found in KB');
    expect(error.message).toContain('Retrying the approval is safe');
    // send, look, send, look, send, final look
    expect(stub.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'POST', 'GET', 'POST', 'GET']);
    expect(sleeps).toEqual([100, 200]);
    expect(stub.issues).toHaveLength(0);
  });

  it('finds the issue on the final look when the last attempt created it', async () => {
    stub.failNext(1, { status: 502 }, { method: 'POST', path: ISSUE });
    stub.failNext(1, { status: 502, createAnyway: true }, { method: 'POST', path: ISSUE });
    const created = await tracker({ retry: { attempts: 2, baseDelayMs: 10 } }).createIssue(request());

    expect(created.key).toBe('KB-1');
    expect(stub.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'POST', 'GET']);
    expect(stub.issues).toHaveLength(1);
  });

  it('does not re-send when the lookup itself fails, and says the outcome is unknown', async () => {
    stub.failNext(1, { status: 503 }, { method: 'POST', path: ISSUE });
    stub.failNext(100, { status: 503 }, { method: 'GET', path: SEARCH });
    const error = await rejection(tracker({ retry: { attempts: 2, baseDelayMs: 10 } }).createIssue(request()));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/may or may not exist in KB/);
    expect(stub.requestsTo('POST', ISSUE)).toHaveLength(1);
  });

  it('maps 401 and 403 to credential and permission messages without retrying', async () => {
    const badToken = await rejection(tracker({ apiToken: 'wrong' }).createIssue(request()));
    expect(badToken).toBeInstanceOf(UpstreamError);
    expect(badToken.message).toMatch(/credentials \(HTTP 401\).*email and API token/);
    expect(stub.requests).toHaveLength(1);

    stub.failNext(1, { status: 403 });
    const forbidden = await rejection(tracker().createIssue(request()));
    expect(forbidden.message).toMatch(/not allowed to create the issue in KB \(HTTP 403/);
    expect(stub.requests).toHaveLength(2);
    expect(sleeps).toEqual([]);
  });

  it('reports an unreachable Jira without claiming anything was created', async () => {
    const closed = await startJiraStub();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = await rejection(tracker({ baseUrl, retry: { attempts: 2, baseDelayMs: 10 } }).createIssue(request()));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/Could not reach Jira.*ECONNREFUSED.*nothing was sent/);
  });

  it('refuses requests without exactly one idempotency label, or with a non-ADF description, before any request', async () => {
    const t = tracker();
    await expect(t.createIssue(request({ labels: ['kb-gap'] }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.createIssue(request({ labels: ['steward-draft-1', 'steward-draft-2'] }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.createIssue(request({ labels: ['steward-draft-1 OR x'] }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.createIssue(request({ projectKey: 'kb' }))).rejects.toBeInstanceOf(InvalidInputError);
    await expect(t.createIssue(request({ description: 'plain text' as unknown as AdfDocument }))).rejects.toBeInstanceOf(InvalidInputError);
    expect(stub.requests).toHaveLength(0);
  });
});

describe('findByIdempotencyLabel', () => {
  it('finds the issue carrying the label, and nothing for another label or project', async () => {
    const t = tracker();
    const created = await t.createIssue(request());
    await t.createIssue(request({ projectKey: 'OPS', labels: ['steward-draft-13'] }));

    expect(await t.findByIdempotencyLabel('steward-draft-12', 'KB')).toEqual(created);
    expect(await t.findByIdempotencyLabel('steward-draft-99', 'KB')).toBeUndefined();
    expect(await t.findByIdempotencyLabel('steward-draft-13', 'KB')).toBeUndefined();
    const search = stub.requestsTo('GET', SEARCH)[0];
    expect(search.query).toEqual({
      jql: 'project = "KB" AND labels = "steward-draft-12" ORDER BY created ASC',
      fields: ['summary', 'labels'],
      maxResults: '10',
    });
  });

  it('retries 429 and 5xx (reads are safe to repeat)', async () => {
    stub.failNext(1, { status: 429, retryAfter: '1' });
    stub.failNext(1, { status: 503 });
    expect(await tracker().findByIdempotencyLabel('steward-draft-12', 'KB')).toBeUndefined();
    expect(sleeps).toEqual([1000, 200]);
    expect(stub.requests).toHaveLength(3);
  });

  it('times out a hung Jira cleanly', async () => {
    stub.failNext(10, { delayMs: 10_000 });
    const started = Date.now();
    const error = await rejection(tracker({ timeoutMs: 100, retry: { attempts: 2, baseDelayMs: 1 } }).findByIdempotencyLabel('steward-draft-12', 'KB'));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('failed after 2 attempts (last error: no answer within 100 ms)');
  });

  it.each([
    ['steward-draft-1" OR project = "OPS', 'KB'],
    ['steward-draft-1\\', 'KB'],
    ['steward-draft-', 'KB'],
    ['draft-12', 'KB'],
    ['steward-draft-12 ', 'KB'],
    ['steward-draft-１２', 'KB'],
    ['steward-draft-12', 'kb'],
    ['steward-draft-12', 'KB" OR project = "OPS'],
    ['steward-draft-12', 'K'],
    ['steward-draft-12', ''],
  ])('rejects label %j / project %j before any request', async (label, projectKey) => {
    await expect(tracker().findByIdempotencyLabel(label, projectKey)).rejects.toBeInstanceOf(InvalidInputError);
    expect(stub.requests).toHaveLength(0);
  });

  it('never builds JQL from a value outside the patterns (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (label, projectKey) => {
        const valid = /^steward-draft-[A-Za-z0-9-]+$/.test(label) && /^[A-Z][A-Z0-9_]+$/.test(projectKey);
        if (valid) {
          expect(idempotencyLabelJql(label, projectKey)).toBe(`project = "${projectKey}" AND labels = "${label}" ORDER BY created ASC`);
        } else {
          expect(() => idempotencyLabelJql(label, projectKey)).toThrow(InvalidInputError);
        }
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^steward-draft-[A-Za-z0-9-]{1,20}$/), fc.stringMatching(/^[A-Z][A-Z0-9_]{1,9}$/), (label, projectKey) => {
        expect(idempotencyLabelJql(label, projectKey)).toContain(`labels = "${label}"`);
      }),
    );
  });
});

describe('jira stub', () => {
  const client = () =>
    createCloudClient({ host: stub.baseUrl, auth: { type: 'basic', email: stub.email, apiToken: stub.apiToken }, onSchemaMismatch: 'throw' });

  it('answers /myself with a complete user', async () => {
    const me = await client().myself.getCurrentUser();
    expect(me).toMatchObject({ accountId: '5b10a2844c20165700ede21g', emailAddress: stub.email, active: true });
  });

  it('rejects malformed JQL like Jira, on GET and POST', async () => {
    const get = await rejection(client().issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project KB' }));
    expect(get).toMatchObject({ status: 400, body: { errorMessages: [expect.stringMatching(/^Error in the JQL Query: Expecting operator/)], errors: {} } });
    const post = await rejection(client().issueSearch.searchAndReconsileIssuesUsingJqlPost({ jql: 'project = "KB" AND nosuchfield = "x"' }));
    expect(post).toMatchObject({ status: 400, body: { errorMessages: ["Error in the JQL Query: Field 'nosuchfield' does not exist or you do not have permission to view it."] } });
    const reserved = await rejection(client().issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = "KB" AND labels ~ "x"' }));
    expect(reserved).toMatchObject({ status: 400, body: { errorMessages: [expect.stringContaining("The character '~' is a reserved JQL character")] } });
    const unknownProject = await rejection(client().issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = "NOPE"' }));
    expect(unknownProject).toMatchObject({ status: 400, body: { errorMessages: ["The value 'NOPE' does not exist for the field 'project'."] } });
    const unbounded = await rejection(client().issueSearch.searchAndReconsileIssuesUsingJql({ jql: '' }));
    expect(unbounded).toMatchObject({ status: 400 });
  });

  it('paginates with nextPageToken and returns only requested fields', async () => {
    const t = tracker();
    for (let i = 1; i <= 3; i++) await t.createIssue(request({ labels: ['shared', `steward-draft-${i}`] }));
    const jira = client();
    const page1 = await jira.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'project = KB AND labels = shared ORDER BY key DESC', fields: ['summary'], maxResults: 2 });
    expect(page1.issues?.map((issue) => issue.key)).toEqual(['KB-3', 'KB-2']);
    expect(page1.isLast).toBe(false);
    expect(Object.keys(page1.issues?.[0].fields ?? {})).toEqual(['summary']);
    const page2 = await jira.issueSearch.searchAndReconsileIssuesUsingJqlPost({
      jql: 'project = KB AND labels = shared ORDER BY key DESC',
      fields: ['*all'],
      maxResults: 2,
      nextPageToken: page1.nextPageToken ?? undefined,
    });
    expect(page2.issues?.map((issue) => issue.key)).toEqual(['KB-1']);
    expect(page2).toMatchObject({ isLast: true });
    expect(page2).not.toHaveProperty('nextPageToken');
    expect(page2.issues?.[0].fields).toMatchObject({ description, issuetype: { name: 'Task' }, project: { key: 'KB' } });
  });

  it('rejects a plain-string description (v3 400; jira.js routes it to v2, which the stub does not serve) and unauthenticated calls', async () => {
    const fields = { project: { key: 'KB' }, issuetype: { name: 'Task' }, summary: 's', description: 'plain' };
    const v2 = await rejection(client().issues.createIssue({ fields }));
    expect(v2).toMatchObject({ status: 404 });
    expect(stub.requests[0].path).toBe('/rest/api/2/issue');
    const authorization = `Basic ${Buffer.from(`${stub.email}:${stub.apiToken}`).toString('base64')}`;
    const v3 = await fetch(`${stub.baseUrl}${ISSUE}`, { method: 'POST', body: JSON.stringify({ fields }), headers: { 'content-type': 'application/json', authorization } });
    expect(v3.status).toBe(400);
    expect(await v3.json()).toEqual({ errorMessages: [], errors: { description: expect.stringContaining('Atlassian Document') } });
    const anonymous = await fetch(`${stub.baseUrl}${ISSUE}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(anonymous.status).toBe(401);
    expect(stub.issues).toHaveLength(0);
  });

  it('serves GET /issue/{key} and 404s like Jira', async () => {
    const created = await tracker().createIssue(request());
    const issue = await client().issues.getIssue({ issueIdOrKey: created.key });
    expect(issue).toMatchObject({ id: created.id, key: 'KB-1', fields: { summary: 'Document the rollback procedure', labels: ['kb-gap', 'steward-draft-12'] } });
    const missing = await rejection(client().issues.getIssue({ issueIdOrKey: 'KB-999' }));
    expect(missing).toMatchObject({ status: 404, body: { errorMessages: ['Issue does not exist or you do not have permission to see it.'] } });
  });
});

describe('configuration', () => {
  it.each([
    [{ baseUrl: 'not a url' }, /not a URL/],
    [{ baseUrl: 'ftp://example.com' }, /must use https/],
    [{ email: 'nobody' }, /email/],
    [{ email: 'a@b' }, /configuration was rejected/],
    [{ apiToken: ' ' }, /API token is empty/],
    [{ timeoutMs: 0 }, /timeoutMs/],
  ])('rejects %j at construction', (overrides, message) => {
    expect(() => createJiraTracker({ baseUrl: 'https://example.atlassian.net', email: 'bot@example.com', apiToken: 't', ...overrides })).toThrow(message);
  });
});
