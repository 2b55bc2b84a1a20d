/**
 * A loopback Jira Cloud (REST v3) for tests: the real jira.js client talks to it over HTTP.
 * With `dataCenter`, a Jira Data Center instead: REST v2 only under a context path
 * (`POST /rest/api/2/issue` with a string description, `GET /rest/api/2/search` with
 * startAt/maxResults, `GET /rest/api/2/myself`), `Authorization: Bearer <PAT>`, and a wrong PAT
 * served as anonymous on searches (200, no issues, `X-Seraph-LoginReason: AUTHENTICATED_FAILED`).
 *
 * Implements what confluence-steward uses, with complete bodies (jira.js validates them):
 * - `POST /rest/api/3/issue` — validates project, issue type, summary, ADF description, labels;
 * - `GET|POST /rest/api/3/search/jql` — enhanced search with a parser for the JQL subset the
 *   adapter emits (`field = "value"` clauses joined by AND, optional ORDER BY);
 * - `GET /rest/api/3/issue/{idOrKey}`, `GET /rest/api/3/myself`.
 * Basic auth is required. Faults are injected per test (`failNext`, `createButDropResponse`).
 *
 * ```ts
 * const stub = await startJiraStub({ projects: ['KB', 'OPS'] });
 * const tracker = createJiraTracker({ baseUrl: stub.baseUrl, email: stub.email, apiToken: stub.apiToken });
 * ...
 * expect(stub.issuesWithLabel('steward-draft-12')).toHaveLength(1);
 * await stub.close();
 * ```
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface JiraStubOptions {
  /** Project keys that exist. Default `['KB', 'OPS']`. */
  projects?: string[];
  /** Issue type names accepted on create. Default Task, Bug, Story. */
  issueTypes?: string[];
  /** Credentials the stub accepts. Defaults: `steward@example.com` / `stub-api-token`. */
  email?: string;
  apiToken?: string;
  /** Added before every response. */
  latencyMs?: number;
  dataCenter?: { contextPath?: string; personalToken: string };
}

export interface StubIssue {
  id: string;
  key: string;
  self: string;
  projectKey: string;
  issueType: string;
  summary: string;
  /** The ADF document as received. */
  description: unknown;
  labels: string[];
  created: string;
  /** Every field as received in the create request. */
  rawFields: Record<string, unknown>;
}

export interface StubRequest {
  method: string;
  path: string;
  /** Repeated parameters (`fields=a&fields=b`) become arrays. */
  query: Record<string, string | string[]>;
  /** Parsed JSON when possible, raw text otherwise, `undefined` when empty. */
  body: unknown;
  /** Whether valid basic credentials were sent. */
  authenticated: boolean;
}

export type StubFault =
  /** Answer with this status. 429/503 may carry Retry-After; `body` replaces the default JSON envelope. */
  | {
      status: number;
      retryAfter?: string;
      body?: unknown;
      /** Send an HTML page instead of JSON (Jira does this on some 429s). */
      htmlBody?: boolean;
      /** For POST /issue: create and store the issue, then answer with the error anyway. */
      createAnyway?: boolean;
    }
  /** Answer 429 with an HTML page. */
  | { htmlBody: true; status?: number; retryAfter?: string }
  /** Wait before handling the request normally (a slow or hung Jira). */
  | { delayMs: number; /** handle first, then wait before answering */ processFirst?: boolean }
  /** Destroy the connection without an answer (after creating the issue if it is a create). */
  | { dropConnection: true; process?: boolean };

export interface StubRequestMatch {
  method?: string;
  /** Exact path or a pattern, e.g. '/rest/api/3/issue' or /search/. */
  path?: string | RegExp;
}

export interface JiraStub {
  /** e.g. `http://127.0.0.1:43123`, pass as jira.js `host` / tracker `baseUrl`. */
  readonly baseUrl: string;
  readonly email: string;
  readonly apiToken: string;
  /** Issues created so far, in creation order (includes those whose response was dropped). */
  readonly issues: StubIssue[];
  /** Every request received, in order. */
  readonly requests: StubRequest[];
  /** The next `n` matching requests (default: any request) fail with `fault`. Queued faults apply in order. */
  failNext(n: number, fault: StubFault, match?: StubRequestMatch): void;
  /** The next `n` creates ARE stored, but the connection is destroyed before any response. */
  createButDropResponse(n?: number): void;
  /** Issues carrying this label (exact match). */
  issuesWithLabel(label: string): StubIssue[];
  /** Requests to one endpoint, e.g. `requestsTo('POST', '/rest/api/3/issue')`. */
  requestsTo(method: string, path: string | RegExp): StubRequest[];
  /** Drops issues, requests and pending faults; keeps the server running. */
  reset(): void;
  close(): Promise<void>;
}

interface QueuedFault {
  remaining: number;
  fault: StubFault;
  match?: StubRequestMatch;
}

const ACCOUNT_ID = '5b10a2844c20165700ede21g';
const ISSUE_EXPAND = 'operations,versionedRepresentations,editmeta,changelog,customfield_10010.requestTypePractice,renderedFields';
const ISSUE_TYPE_IDS: Record<string, string> = { Task: '10001', Bug: '10002', Story: '10003', Epic: '10000' };

export async function startJiraStub(options: JiraStubOptions = {}): Promise<JiraStub> {
  const projects = options.projects ?? ['KB', 'OPS'];
  const issueTypes = options.issueTypes ?? ['Task', 'Bug', 'Story'];
  const email = options.email ?? 'steward@example.com';
  const apiToken = options.apiToken ?? 'stub-api-token';
  const dc = options.dataCenter;
  const context = dc ? (dc.contextPath ?? '').replace(/\/+$/, '') : '';
  const api = dc ? '/rest/api/2' : '/rest/api/3';
  const expectedAuth = dc ? `Bearer ${dc.personalToken}` : `Basic ${Buffer.from(`${email}:${apiToken}`, 'utf8').toString('base64')}`;
  const latencyMs = options.latencyMs ?? 0;

  const issues: StubIssue[] = [];
  const requests: StubRequest[] = [];
  let faults: QueuedFault[] = [];
  let nextId = 10000;
  const counters = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let baseUrl = '';

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const takeFault = (method: string, path: string): StubFault | undefined => {
    const entry = faults.find((candidate) => matches(candidate.match, method, path));
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) faults = faults.filter((candidate) => candidate !== entry);
    return entry.fault;
  };

  const projectId = (key: string) => String(10000 + projects.indexOf(key));
  const projectBean = (key: string) => ({
    self: `${baseUrl}${api}/project/${projectId(key)}`,
    id: projectId(key),
    key,
    name: `${key} project`,
    projectTypeKey: 'software',
    simplified: false,
    avatarUrls: avatarUrls(`${baseUrl}${api}/universal_avatar/view/type/project/avatar/10400`),
  });
  const issueTypeBean = (name: string) => ({
    self: `${baseUrl}${api}/issuetype/${ISSUE_TYPE_IDS[name] ?? '10009'}`,
    id: ISSUE_TYPE_IDS[name] ?? '10009',
    description: `A ${name.toLowerCase()}.`,
    iconUrl: `${baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318?size=medium`,
    name,
    subtask: false,
    avatarId: 10318,
    hierarchyLevel: 0,
  });
  /** Data Center users: key and name (username), no accountId. */
  const dcUserBean = () => ({
    self: `${baseUrl}/rest/api/2/user?username=steward`,
    key: 'JIRAUSER10100',
    name: 'steward',
    emailAddress: email,
    avatarUrls: avatarUrls(`${baseUrl}/secure/useravatar?avatarId=10122`),
    displayName: 'Steward Bot',
    active: true,
    timeZone: 'Europe/Berlin',
  });
  const userBean = () => (dc ? dcUserBean() : {
    self: `${baseUrl}${api}/user?accountId=${ACCOUNT_ID}`,
    accountId: ACCOUNT_ID,
    emailAddress: email,
    avatarUrls: avatarUrls(`https://secure.gravatar.com/avatar/stub`),
    displayName: 'Steward Bot',
    active: true,
    timeZone: 'Europe/Berlin',
    accountType: 'atlassian',
  });
  /** Every field Jira would return for `*all`-ish requests. */
  const allFields = (issue: StubIssue): Record<string, unknown> => ({
    summary: issue.summary,
    labels: [...issue.labels],
    description: issue.description,
    project: projectBean(issue.projectKey),
    issuetype: issueTypeBean(issue.issueType),
    status: {
      self: `${baseUrl}${api}/status/10000`,
      description: '',
      iconUrl: `${baseUrl}/`,
      name: 'To Do',
      id: '10000',
      statusCategory: { self: `${baseUrl}${api}/statuscategory/2`, id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
    },
    created: issue.created,
    updated: issue.created,
    reporter: userBean(),
    creator: userBean(),
    assignee: null,
    priority: { self: `${baseUrl}${api}/priority/3`, iconUrl: `${baseUrl}/images/icons/priorities/medium.svg`, name: 'Medium', id: '3' },
  });
  const issueBean = (issue: StubIssue, fields: string[] | undefined) => {
    const everything = allFields(issue);
    const wanted = fields === undefined || fields.length === 0 ? [] : fields;
    const all = wanted.some((field) => field === '*all' || field === '*navigable');
    const selected: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(everything)) {
      if ((all || wanted.includes(name)) && !wanted.includes(`-${name}`)) selected[name] = value;
    }
    return { expand: ISSUE_EXPAND, id: issue.id, self: issue.self, key: issue.key, fields: selected };
  };

  const createIssue = (body: unknown): { status: number; body: unknown; issue?: StubIssue } => {
    const fields = (body as { fields?: Record<string, unknown> } | undefined)?.fields;
    if (typeof fields !== 'object' || fields === null) {
      return jiraError(400, [], { project: 'valid project is required', issuetype: 'Specify a valid issue type', summary: 'You must specify a summary of the issue.' });
    }
    const errors: Record<string, string> = {};
    const project = fields.project as { key?: unknown; id?: unknown } | undefined;
    const projectKey =
      typeof project?.key === 'string' ? project.key : typeof project?.id === 'string' ? projects.find((key) => projectId(key) === project.id) : undefined;
    if (projectKey === undefined || !projects.includes(projectKey)) errors.project = 'valid project is required';
    const issuetype = fields.issuetype as { name?: unknown; id?: unknown } | undefined;
    const typeName =
      typeof issuetype?.name === 'string'
        ? issuetype.name
        : typeof issuetype?.id === 'string'
          ? Object.keys(ISSUE_TYPE_IDS).find((name) => ISSUE_TYPE_IDS[name] === issuetype.id)
          : undefined;
    if (typeName === undefined || !issueTypes.includes(typeName)) errors.issuetype = 'Specify a valid issue type';
    const summary = fields.summary;
    if (typeof summary !== 'string' || summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
    else if (summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    else if (/[\r\n]/.test(summary)) errors.summary = 'The summary is invalid because it contains newline characters.';
    if (dc && fields.description !== undefined && fields.description !== null && typeof fields.description !== 'string') {
      errors.description = 'Operation value must be a string';
    } else if (!dc && fields.description !== undefined && fields.description !== null && !isAdfDoc(fields.description)) {
      errors.description = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    }
    const labels = fields.labels ?? [];
    if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string')) {
      errors.labels = 'Operation value must be an array of strings';
    } else {
      const bad = labels.find((label: string) => /\s/.test(label) || label === '');
      if (bad !== undefined) errors.labels = `The label '${bad}' contains spaces which is invalid.`;
      const tooLong = labels.find((label: string) => label.length > 255);
      if (tooLong !== undefined) errors.labels = 'The label must not exceed 255 characters.';
    }
    if (Object.keys(errors).length > 0) return jiraError(400, [], errors);

    const key = projectKey as string;
    const number = (counters.get(key) ?? 0) + 1;
    counters.set(key, number);
    const id = String(nextId++);
    const issue: StubIssue = {
      id,
      key: `${key}-${number}`,
      self: `${baseUrl}${api}/issue/${id}`,
      projectKey: key,
      issueType: typeName as string,
      summary: summary as string,
      description: fields.description ?? null,
      labels: [...new Set(labels as string[])],
      created: new Date().toISOString().replace('Z', '+0000'),
      rawFields: structuredClone(fields),
    };
    issues.push(issue);
    return { status: 201, body: { id: issue.id, key: issue.key, self: issue.self }, issue };
  };

  const search = (params: { jql?: unknown; fields?: unknown; maxResults?: unknown; nextPageToken?: unknown }) => {
    if (typeof params.jql !== 'string' || params.jql.trim() === '') {
      return jiraError(400, ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']);
    }
    let query: ParsedJql;
    try {
      query = parseJql(params.jql);
    } catch (error) {
      return jiraError(400, [`Error in the JQL Query: ${(error as Error).message}`]);
    }
    for (const clause of query.clauses) {
      if (clause.field === 'project' && !projects.includes(clause.value)) {
        return jiraError(400, [`The value '${clause.value}' does not exist for the field 'project'.`]);
      }
    }
    const maxResults = params.maxResults === undefined ? 50 : Number(params.maxResults);
    if (!Number.isInteger(maxResults) || maxResults < 0) return jiraError(400, ['maxResults must be a non-negative integer.']);
    let offset = 0;
    if (params.nextPageToken !== undefined && params.nextPageToken !== '') {
      const decoded = /^stub-(\d+)$/.exec(Buffer.from(String(params.nextPageToken), 'base64url').toString('utf8'));
      if (!decoded) return jiraError(400, ['The provided next page token is invalid or expired.']);
      offset = Number(decoded[1]);
    }
    const fields = normalizeList(params.fields);
    let found = issues.filter((issue) => query.clauses.every((clause) => clauseMatches(clause, issue)));
    if (query.orderBy) {
      const { field, direction } = query.orderBy;
      const sign = direction === 'DESC' ? -1 : 1;
      found = [...found].sort((a, b) => sign * (field === 'key' ? compareKeys(a.key, b.key) : Number(a.id) - Number(b.id)));
    }
    const page = found.slice(offset, offset + Math.min(maxResults, 5000));
    const isLast = offset + page.length >= found.length;
    const body: Record<string, unknown> = { issues: page.map((issue) => issueBean(issue, fields)), isLast };
    if (!isLast) body.nextPageToken = Buffer.from(`stub-${offset + page.length}`, 'utf8').toString('base64url');
    return { status: 200, body };
  };

  /** Data Center search: `{expand, startAt, maxResults, total, issues}`, unbounded JQL allowed. */
  const searchV2 = (query: Record<string, string | string[]>) => {
    const startAt = Number(first(query.startAt) ?? 0) || 0;
    const result = search({ jql: first(query.jql), fields: query.fields, maxResults: first(query.maxResults) });
    if (result.status !== 200) return result;
    const all = (result.body as { issues: unknown[] }).issues;
    const maxResults = Math.min(Number(first(query.maxResults) ?? 50) || 50, 1000);
    return { status: 200, body: { expand: 'schema,names', startAt, maxResults, total: all.length, issues: all.slice(startAt, startAt + maxResults) } };
  };

  const route = (method: string, path: string, query: Record<string, string | string[]>, body: unknown): { status: number; body: unknown; issue?: StubIssue } => {
    if (dc) {
      if (method === 'POST' && path === '/rest/api/2/issue') return createIssue(body);
      if (method === 'GET' && path === '/rest/api/2/search') return searchV2(query);
      if (method === 'GET' && path === '/rest/api/2/myself') return { status: 200, body: { ...dcUserBean(), locale: 'en_US', groups: { size: 1, items: [] }, expand: 'groups,applicationRoles' } };
      return jiraError(404, [`null for uri: ${baseUrl}${path}`]);
    }
    if (method === 'POST' && path === '/rest/api/3/issue') return createIssue(body);
    if (path === '/rest/api/3/search/jql') {
      if (method === 'GET') return search({ jql: first(query.jql), fields: query.fields, maxResults: first(query.maxResults), nextPageToken: first(query.nextPageToken) });
      if (method === 'POST') {
        const params = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
        return search(params);
      }
    }
    if (method === 'GET' && path === '/rest/api/3/myself') {
      return {
        status: 200,
        body: {
          ...userBean(),
          locale: 'en_US',
          groups: { size: 3, items: [] },
          applicationRoles: { size: 1, items: [] },
          expand: 'groups,applicationRoles',
        },
      };
    }
    const issueMatch = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(path);
    if (method === 'GET' && issueMatch) {
      const idOrKey = decodeURIComponent(issueMatch[1]);
      const issue = issues.find((candidate) => candidate.id === idOrKey || candidate.key === idOrKey);
      if (!issue) return jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
      return { status: 200, body: issueBean(issue, normalizeList(query.fields) ?? ['*all']) };
    }
    return jiraError(404, [`null for uri: ${baseUrl}${path}`]);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stub.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    // Data Center: everything lives under the context path; paths are recorded without it.
    if (dc && !url.pathname.startsWith(`${context}/`)) {
      res.writeHead(404, { 'Content-Type': 'text/html;charset=UTF-8' });
      res.end('<html><body>Oops, you\'ve found a dead link.</body></html>');
      return;
    }
    const path = dc ? url.pathname.slice(context.length) : url.pathname;
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of url.searchParams) {
      const existing = query[name];
      query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    const raw = await readBody(req);
    let body: unknown = raw === '' ? undefined : raw;
    let badJson = false;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
      }
    }
    const authenticated = req.headers.authorization === expectedAuth;
    requests.push({ method, path, query, body, authenticated });

    await wait(latencyMs);
    const fault = takeFault(method, path);

    if (fault && 'delayMs' in fault && !fault.processFirst) await wait(fault.delayMs);
    if (res.destroyed) return;

    if (!authenticated && dc && method === 'GET' && path === '/rest/api/2/search') {
      // A PAT that did not take is served as anonymous, who sees no issues here.
      return send(res, 200, { expand: 'schema,names', startAt: 0, maxResults: 50, total: 0, issues: [] }, { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' });
    }
    if (!authenticated) {
      return send(res, 401, { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} });
    }
    if (badJson && method !== 'GET') {
      return send(res, 400, { errorMessages: ['Unexpected character: was expecting a JSON value'], errors: {} });
    }

    if (fault && 'dropConnection' in fault) {
      if (fault.process !== false) route(method, path, query, body);
      req.socket.destroy();
      return;
    }
    if (fault && 'htmlBody' in fault && fault.htmlBody) {
      if ('createAnyway' in fault && fault.createAnyway) route(method, path, query, body);
      const status = fault.status ?? 429;
      const headers: Record<string, string> = { 'Content-Type': 'text/html;charset=UTF-8' };
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      res.writeHead(status, headers);
      res.end(`<!DOCTYPE html><html><head><title>${status} Too Many Requests</title></head><body><h1>Too Many Requests</h1><p>Rate limit exceeded. Please retry later.</p></body></html>`);
      return;
    }
    if (fault && 'status' in fault && fault.status !== undefined) {
      if ('createAnyway' in fault && fault.createAnyway) route(method, path, query, body);
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
      if (fault.status === 429) {
        Object.assign(headers, { 'X-RateLimit-Limit': '100', 'X-RateLimit-Remaining': '0', 'X-RateLimit-NearLimit': 'true', 'RateLimit-Reason': 'jira-burst-based' });
      }
      return send(res, fault.status, 'body' in fault && fault.body !== undefined ? fault.body : defaultErrorBody(fault.status), headers);
    }

    const result = route(method, path, query, body);
    if (fault && 'delayMs' in fault && fault.processFirst) await wait(fault.delayMs);
    if (res.destroyed) return;
    send(res, result.status, result.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) send(res, 500, { errorMessages: [`Stub failure: ${(error as Error).message}`], errors: {} });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${context}`;

  const failNext = (n: number, fault: StubFault, match?: StubRequestMatch) => {
    if (!Number.isInteger(n) || n < 1) throw new Error('failNext: n must be a positive integer');
    faults.push({ remaining: n, fault, match });
  };

  return {
    baseUrl,
    email,
    apiToken,
    issues,
    requests,
    failNext,
    createButDropResponse(n = 1) {
      failNext(n, { dropConnection: true, process: true }, { method: 'POST', path: `${api}/issue` });
    },
    issuesWithLabel(label) {
      return issues.filter((issue) => issue.labels.includes(label));
    },
    requestsTo(method, path) {
      return requests.filter((request) => matches({ method, path }, request.method, request.path));
    },
    reset() {
      issues.length = 0;
      requests.length = 0;
      faults = [];
      counters.clear();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JQL subset: clause (AND clause)* [ORDER BY field [ASC|DESC]]; clause = field (= | !=) value;
// value = "quoted \"string\"" | bare-word. Fields: project, labels, key (issuekey), issuetype (type).

export interface JqlClause {
  field: 'project' | 'labels' | 'key' | 'issuetype';
  operator: '=' | '!=';
  value: string;
}

export interface ParsedJql {
  clauses: JqlClause[];
  orderBy?: { field: 'created' | 'key'; direction: 'ASC' | 'DESC' };
}

type Token = { kind: 'word' | 'string' | 'op'; text: string; at: number };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const char = jql[i];
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === '"' || char === "'") {
      const quote = char;
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= jql.length) throw new Error(`The quoted string starting at character ${start + 1} has not been completed.`);
        const c = jql[i];
        if (c === '\\') {
          const next = jql[i + 1];
          if (next === undefined) throw new Error(`Illegal escape sequence at character ${i + 1}.`);
          text += next;
          i += 2;
          continue;
        }
        if (c === quote) {
          i++;
          break;
        }
        text += c;
        i++;
      }
      tokens.push({ kind: 'string', text, at: start });
      continue;
    }
    if (char === '!' && jql[i + 1] === '=') {
      tokens.push({ kind: 'op', text: '!=', at: i });
      i += 2;
      continue;
    }
    if (char === '=') {
      tokens.push({ kind: 'op', text: '=', at: i });
      i++;
      continue;
    }
    const word = /^[A-Za-z0-9_.-]+/.exec(jql.slice(i));
    if (!word) throw new Error(`The character '${char}' is a reserved JQL character. You must enclose it in a string or use the escape '\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}' instead. (line 1, character ${i + 1})`);
    tokens.push({ kind: 'word', text: word[0], at: i });
    i += word[0].length;
  }
  return tokens;
}

export function parseJql(jql: string): ParsedJql {
  const tokens = tokenize(jql);
  const clauses: JqlClause[] = [];
  let i = 0;
  const peekWord = (text: string) => tokens[i]?.kind === 'word' && tokens[i].text.toUpperCase() === text;
  const fieldNames = new Map<string, JqlClause['field']>([
    ['project', 'project'],
    ['labels', 'labels'],
    ['key', 'key'],
    ['issuekey', 'key'],
    ['issuetype', 'issuetype'],
    ['type', 'issuetype'],
  ]);
  for (;;) {
    const fieldToken = tokens[i];
    if (!fieldToken || fieldToken.kind === 'op') {
      throw new Error(`Expecting a field name but got ${fieldToken ? `'${fieldToken.text}'` : 'the end of the query'}.`);
    }
    const field = fieldNames.get(fieldToken.text.toLowerCase());
    if (!field) throw new Error(`Field '${fieldToken.text}' does not exist or you do not have permission to view it.`);
    i++;
    const op = tokens[i];
    if (!op || op.kind !== 'op') throw new Error(`Expecting operator but got '${op ? op.text : '<EOF>'}'. (line 1, character ${(op?.at ?? jql.length) + 1})`);
    i++;
    const value = tokens[i];
    if (!value || value.kind === 'op') throw new Error(`Expecting either a value, list or function but got '${value ? value.text : '<EOF>'}'.`);
    if (value.kind === 'word' && ['AND', 'OR', 'ORDER', 'NOT', 'EMPTY', 'NULL'].includes(value.text.toUpperCase())) {
      throw new Error(`Expecting either a value, list or function but got '${value.text}'. You must surround '${value.text}' in quotation marks to use it as a value.`);
    }
    i++;
    clauses.push({ field, operator: op.text as '=' | '!=', value: value.text });
    if (i >= tokens.length) break;
    if (peekWord('AND')) {
      i++;
      continue;
    }
    if (peekWord('ORDER')) break;
    throw new Error(`Expecting either 'OR' or 'AND' but got '${tokens[i].text}'. (line 1, character ${tokens[i].at + 1})`);
  }
  let orderBy: ParsedJql['orderBy'];
  if (peekWord('ORDER')) {
    i++;
    if (!peekWord('BY')) throw new Error(`Expecting 'BY' but got '${tokens[i]?.text ?? '<EOF>'}'.`);
    i++;
    const field = tokens[i];
    if (!field || field.kind !== 'word' || !['created', 'key'].includes(field.text.toLowerCase())) {
      throw new Error(`Field '${field?.text ?? '<EOF>'}' does not exist or you do not have permission to view it.`);
    }
    i++;
    let direction: 'ASC' | 'DESC' = 'ASC';
    if (peekWord('ASC') || peekWord('DESC')) {
      direction = tokens[i].text.toUpperCase() as 'ASC' | 'DESC';
      i++;
    }
    orderBy = { field: field.text.toLowerCase() as 'created' | 'key', direction };
  }
  if (i < tokens.length) throw new Error(`Expecting end of query but got '${tokens[i].text}'. (line 1, character ${tokens[i].at + 1})`);
  return { clauses, orderBy };
}

function clauseMatches(clause: JqlClause, issue: StubIssue): boolean {
  let hit: boolean;
  switch (clause.field) {
    case 'project':
      hit = issue.projectKey === clause.value;
      break;
    case 'labels':
      hit = issue.labels.includes(clause.value);
      break;
    case 'key':
      hit = issue.key === clause.value || issue.id === clause.value;
      break;
    case 'issuetype':
      hit = issue.issueType.toLowerCase() === clause.value.toLowerCase();
      break;
  }
  return clause.operator === '=' ? hit : !hit;
}

// ---------------------------------------------------------------------------------------------

function matches(match: StubRequestMatch | undefined, method: string, path: string): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path instanceof RegExp) return match.path.test(path);
  if (typeof match.path === 'string') return match.path === path;
  return true;
}

function isAdfDoc(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as { type?: unknown; version?: unknown; content?: unknown };
  return doc.type === 'doc' && doc.version === 1 && Array.isArray(doc.content) && doc.content.every((node) => isAdfNode(node));
}

function isAdfNode(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  const { type, content, text } = node as { type?: unknown; content?: unknown; text?: unknown };
  if (typeof type !== 'string' || type === '') return false;
  if (type === 'text' && typeof text !== 'string') return false;
  return content === undefined || (Array.isArray(content) && content.every((child) => isAdfNode(child)));
}

function jiraError(status: number, errorMessages: string[], errors: Record<string, string> = {}) {
  return { status, body: { errorMessages, errors } };
}

function defaultErrorBody(status: number): unknown {
  switch (status) {
    case 400:
      return { errorMessages: ['Bad request.'], errors: {} };
    case 401:
      return { errorMessages: ['You are not authenticated. Authentication required to perform this operation.'], errors: {} };
    case 403:
      return { errorMessages: ['You do not have permission to create issues in this project.'], errors: {} };
    case 404:
      return { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} };
    case 429:
      return { errorMessages: ['Rate limit exceeded.'], errors: {} };
    default:
      return { errorMessages: [status >= 500 ? 'Internal server error' : `HTTP ${status}`], errors: {} };
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain;charset=UTF-8' : 'application/json;charset=UTF-8',
    'X-AREQUESTID': `stub-${Date.now()}`,
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `fields=a,b`, `fields=a&fields=b` and JSON arrays all become `['a','b']`. */
function normalizeList(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

function compareKeys(a: string, b: string): number {
  const [pa, na] = a.split('-');
  const [pb, nb] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : pa.localeCompare(pb);
}

function avatarUrls(base: string) {
  return { '48x48': `${base}?size=large`, '24x24': `${base}?size=small`, '16x16': `${base}?size=xsmall`, '32x32': `${base}?size=medium` };
}
