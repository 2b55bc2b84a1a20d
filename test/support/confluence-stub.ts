/**
 * A loopback Confluence Cloud — or, with `dataCenter`, a Confluence Data Center — for tests and benchmarks. It speaks the real REST shapes (complete
 * bodies, because confluence.js validates every response with zod), enforces page visibility for
 * the caller named by the basic-auth email exactly like Cloud does (search omits, reads 404), and
 * can inject faults: 429 with Retry-After, 5xx, malformed JSON, HTML bodies, slow replies, dropped
 * connections. Every request is recorded so tests can count calls and inspect the CQL sent.
 *
 *   const stub = await startConfluenceStub(demoConfluenceSite());
 *   const source = createConfluenceSource({ baseUrl: stub.url, email: 'mia@example.com', apiToken: 'x' });
 *   stub.failNext(1, { status: 429, retryAfter: '1' });
 *   ...
 *   await stub.close();
 */
import http from 'node:http';
import { stemmer } from 'stemmer';
import type { AddressInfo } from 'node:net';
// Pinned by a real Cloud pair (945029121 is /x/AQBUO) in test/domain/page-reference.test.ts.
import { tinyCodeOf as tinyCode } from '../../src/domain/page-reference.js';

// ------------------------------------------------------------------------------------------------
// Site description

export interface StubSpace {
  /** Numeric string (v1 reports space ids as numbers). */
  id: string;
  key: string;
  name: string;
  description?: string;
  type?: 'global' | 'personal';
  homepageId?: string;
}

export interface StubUser {
  accountId: string;
  /** Data Center username; default the email's local part. The Data Center userKey is the accountId. */
  username?: string;
  displayName: string;
  email: string;
  /** May check other users' permissions (Confluence administrator). */
  admin?: boolean;
  /** Whether the profile shows the email to others (Cloud privacy setting). Default true. */
  emailVisible?: boolean;
}

export interface StubPage {
  /** Numeric string. */
  id: string;
  title: string;
  spaceKey: string;
  parentId?: string | null;
  /** Body in storage format. */
  storage: string;
  labels?: string[];
  createdAt: string;
  updatedAt: string;
  version?: number;
  authorId: string;
  ownerId?: string;
  lastUpdatedBy?: string;
  /**
   * Read restriction: only these accountIds may view the page. Undefined = everyone. Restrictions
   * are inherited: a page is visible only if it and every ancestor is visible.
   */
  readableBy?: Iterable<string>;
  /**
   * Earlier versions, any order (`/pages/{id}/versions` adds the current one from `version`,
   * `updatedAt` and `lastUpdatedBy`). Undefined: version 1 by `authorId` at `createdAt` when
   * `version` > 1, as the site folder records it.
   */
  history?: { number: number; when: string; by: string; message?: string }[];
}

export interface StubGroup {
  name: string;
  /** Cloud group ids are UUIDs. */
  id: string;
}

export interface StubSite {
  spaces: StubSpace[];
  users: StubUser[];
  pages: StubPage[];
  groups?: StubGroup[];
}

export interface ConfluenceStubOptions extends StubSite {
  /** Added to every request before it is answered (benchmarks). Mutable later via `stub.latencyMs`. */
  latencyMs?: number;
  /** When set, the basic-auth password must equal it; otherwise any token is accepted. */
  apiToken?: string;
  /** Upper bound for `limit` on the v1 search endpoints (Cloud applies "fixed system limits"). Default 50. */
  maxSearchLimit?: number;
  /**
   * Emulate Cloud's permission post-filtering in search: a page of `limit` candidates is cut first
   * and unreadable ones are removed afterwards, so pages can be shorter than `limit` while
   * `_links.next` is still present, and `totalSize` counts hidden rows. Default false.
   */
  postFilterSearch?: boolean;
  /** Ignore the `excerpt` parameter and use this mode instead (a site or proxy that always highlights). */
  excerptOverride?: 'highlight' | 'highlight_unescaped' | 'indexed' | 'indexed_unescaped' | 'none';
  /**
   * Speak Confluence Data Center 7.19–9.x instead of Cloud: REST v1 only under `contextPath`
   * (no `/wiki`, no v2: those answer an HTML 404), `start`/`limit` paging with `_links.next`
   * relative to `_links.base`, users as `{username, userKey}` without accountId or email, dates
   * with the server's offset, `Authorization: Bearer <PAT>` (or basic `username:password`).
   */
  dataCenter?: DataCenterStubOptions;
}

export interface DataCenterStubOptions {
  /** e.g. `/confluence`; default none. */
  contextPath?: string;
  /** Personal access token → accountId of the stub user who owns it. */
  tokens: Record<string, string>;
  /**
   * Anonymous access on: a request whose PAT is not accepted is served *as anonymous* with 200s
   * (CONFSERVER-98199), seeing unrestricted pages. Off: 401.
   */
  anonymousAccess?: boolean;
  /** With `anonymousAccess`: mark such replies `X-Seraph-LoginReason: AUTHENTICATED_FAILED` (Jira documents it; Confluence's Seraph may send it). */
  markFailedLogins?: boolean;
}

// ------------------------------------------------------------------------------------------------
// Faults and request log

export interface StubFault {
  /** Only requests whose path starts with this string (or matches this RegExp) consume the fault. */
  route?: string | RegExp;
  /** Answer with this status (JSON error envelope unless `htmlBody`/`body` given). */
  status?: number;
  /** `Retry-After` header value (delta-seconds or HTTP date). */
  retryAfter?: string;
  headers?: Record<string, string>;
  /** Raw body to send instead of the default envelope. */
  body?: string;
  /** Send this as `text/html` (status defaults to 200). */
  htmlBody?: string;
  /** 200 with `application/json` and a truncated body. */
  malformedJson?: boolean;
  /** Wait this long first; with nothing else set, then answer normally. */
  delayMs?: number;
  /** Destroy the socket without answering (a network error for the client). */
  dropConnection?: boolean;
  /**
   * 200 (or `status`) whose `Content-Length` announces the full normal answer but only this many
   * bytes of it are written before the socket is ended: a reply cut short mid-body.
   */
  shortBody?: number;
}

export type StubRoute =
  | 'search'
  | 'searchUser'
  | 'groupPicker'
  | 'dcGroup'
  | 'content'
  | 'contentSearch'
  | 'history'
  | 'permissionCheck'
  | 'user'
  | 'currentUser'
  | 'v2.page'
  | 'v2.pageAncestors'
  | 'v2.pageVersions'
  | 'v2.pages'
  | 'v2.spaces'
  | 'space'
  | 'unknown';

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  route: StubRoute;
  /** accountId of the authenticated caller, when the credentials were valid. */
  caller?: string;
  body?: unknown;
  /** What the request was answered with (set once answered; `undefined` for dropped connections). */
  status?: number;
  /** Injected fault applied to this request, if any. */
  fault?: StubFault;
}

export interface ConfluenceStub {
  /** Site URL for confluence.js `host` / our `baseUrl` (no `/wiki`); with `dataCenter`, the host only (add `contextPath`). */
  url: string;
  /** What the stub advertises as `_links.base` (`url + '/wiki'`, or `url + contextPath` on Data Center): the Data Center base URL. */
  base: string;
  /** Mutable site data: tests may add, change or remove pages, users and spaces between calls. */
  site: StubSite;
  /** Every request, in arrival order. */
  requests: StubRequest[];
  latencyMs: number;
  /** The next `n` matching requests get `fault`. Queued faults are consumed in order. */
  failNext(n: number, fault: StubFault): void;
  clearFaults(): void;
  clearRequests(): void;
  /** Requests being handled right now, and the most there have been at once. */
  inFlight: number;
  peakInFlight: number;
  /** Number of recorded requests for a route (or all). */
  count(route?: StubRoute): number;
  /** The CQL of every recorded search request, in order. */
  cqlSent(): string[];
  close(): Promise<void>;
}

// ------------------------------------------------------------------------------------------------
// A small ready-made site

/**
 * Two spaces, three users, a handful of pages; `ENG` holds a restricted subtree readable only by
 * Mia. Callers: mia@example.com (admin), sam@example.com, lee@example.com.
 */
export function demoConfluenceSite(): StubSite {
  const mia = 'acc-mia-0001';
  const sam = 'acc-sam-0002';
  const lee = 'acc-lee-0003';
  return {
    spaces: [
      { id: '1001', key: 'ENG', name: 'Engineering', description: 'How we build and run things.' },
      { id: '1002', key: 'HR', name: 'People', description: 'Policies and benefits.' },
      { id: '1003', key: 'SECRET', name: 'Secret Projects' },
    ],
    users: [
      { accountId: mia, displayName: 'Mia Krystof', email: 'mia@example.com', admin: true },
      { accountId: sam, displayName: 'Sam Ortega', email: 'sam@example.com' },
      { accountId: lee, displayName: 'Lee Chen', email: 'lee@example.com', emailVisible: false },
    ],
    pages: [
      {
        id: '2001',
        title: 'Deployment Runbook',
        spaceKey: 'ENG',
        parentId: null,
        storage:
          '<h1>Deploying</h1><p>Run the <strong>deploy</strong> pipeline, then check the dashboards.</p>' +
          '<p>See <ac:link><ri:page ri:content-title="Incident Response" /><ac:plain-text-link-body><![CDATA[incident response]]></ac:plain-text-link-body></ac:link>.</p>',
        labels: ['runbook', 'ops'],
        createdAt: '2024-01-10T09:00:00.000Z',
        updatedAt: '2024-05-02T10:00:00.000Z',
        version: 7,
        authorId: mia,
        ownerId: mia,
        lastUpdatedBy: sam,
      },
      {
        id: '2002',
        title: 'Incident Response',
        spaceKey: 'ENG',
        parentId: '2001',
        storage: '<p>Page the on-call engineer. Open an incident channel. Deploy a rollback if needed.</p>',
        labels: ['ops'],
        createdAt: '2024-02-01T09:00:00.000Z',
        updatedAt: '2024-04-20T08:30:00.000Z',
        version: 3,
        authorId: sam,
        ownerId: sam,
        lastUpdatedBy: sam,
      },
      {
        id: '2003',
        title: 'Security Review Notes',
        spaceKey: 'ENG',
        parentId: null,
        storage: '<p>Deploy keys rotate monthly. Confidential findings listed below.</p>',
        labels: ['security'],
        createdAt: '2024-03-01T09:00:00.000Z',
        updatedAt: '2024-05-01T12:00:00.000Z',
        version: 2,
        authorId: mia,
        ownerId: mia,
        lastUpdatedBy: mia,
        readableBy: [mia],
      },
      {
        id: '2004',
        title: 'Findings Appendix',
        spaceKey: 'ENG',
        parentId: '2003',
        storage: '<p>Inherited restriction: deploy credentials appendix.</p>',
        labels: [],
        createdAt: '2024-03-02T09:00:00.000Z',
        updatedAt: '2024-03-02T09:00:00.000Z',
        version: 1,
        authorId: mia,
      },
      {
        id: '3001',
        title: 'Parental Leave',
        spaceKey: 'HR',
        parentId: null,
        storage: '<p>Sixteen weeks of paid leave for every parent.</p>',
        labels: ['policy'],
        createdAt: '2023-11-01T09:00:00.000Z',
        updatedAt: '2024-01-15T09:00:00.000Z',
        version: 4,
        authorId: lee,
        ownerId: lee,
        lastUpdatedBy: lee,
      },
      {
        id: '3002',
        title: 'Old Travel Policy',
        spaceKey: 'HR',
        parentId: null,
        storage: '<p>Superseded travel policy. Do not deploy.</p>',
        labels: ['policy', 'archived'],
        createdAt: '2020-01-01T09:00:00.000Z',
        updatedAt: '2021-06-01T09:00:00.000Z',
        version: 9,
        authorId: lee,
      },
      {
        id: '4001',
        title: 'Project Nightingale',
        spaceKey: 'SECRET',
        parentId: null,
        storage: '<p>Deploy plan for the secret project.</p>',
        labels: [],
        createdAt: '2024-04-01T09:00:00.000Z',
        updatedAt: '2024-04-02T09:00:00.000Z',
        version: 1,
        authorId: mia,
      },
    ],
  };
}

// ------------------------------------------------------------------------------------------------
// CQL: the subset our builder emits (plus `user.fullname ~` for user search)

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'word'; value: string }
  | { kind: 'op'; value: string }
  | { kind: 'punct'; value: '(' | ')' | ',' };

class CqlParseError extends Error {}

export function tokenizeCql(cql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < cql.length) {
    const ch = cql[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'") {
      const quote = ch;
      let value = '';
      i++;
      for (;;) {
        if (i >= cql.length) throw new CqlParseError('unterminated string');
        const c = cql[i];
        if (c === '\\') {
          if (i + 1 >= cql.length) throw new CqlParseError('dangling escape');
          value += cql[i + 1];
          i += 2;
        } else if (c === quote) {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ kind: 'string', value });
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', value: ch });
      i++;
    } else if ('!<>=~'.includes(ch)) {
      const two = cql.slice(i, i + 2);
      if (['!=', '>=', '<=', '!~'].includes(two)) {
        tokens.push({ kind: 'op', value: two });
        i += 2;
      } else if (ch === '!') {
        throw new CqlParseError('unexpected !');
      } else {
        tokens.push({ kind: 'op', value: ch });
        i++;
      }
    } else if (/[A-Za-z0-9_]/.test(ch)) {
      let j = i;
      while (j < cql.length && /[A-Za-z0-9_.]/.test(cql[j])) j++;
      tokens.push({ kind: 'word', value: cql.slice(i, j) });
      i = j;
    } else {
      throw new CqlParseError(`unexpected character ${ch}`);
    }
  }
  return tokens;
}

type Clause =
  | { field: 'text'; terms: string[] }
  | { field: 'title'; op: '=' | '~'; value: string }
  | { field: 'parent'; value: string }
  | { field: 'id'; values: string[] }
  | { field: 'type'; values: string[] }
  | { field: 'space'; values: string[] }
  | { field: 'label'; values: string[]; negate: boolean }
  | { field: 'lastmodified' | 'created'; op: string; value: Date }
  | { field: 'user.fullname'; value: string };

type Expr = { and: Expr[] } | { clause: Clause };

interface ParsedCql {
  expr: Expr;
  orderBy?: { field: string; desc: boolean };
}

function parseCql(cql: string, mode: 'content' | 'user'): ParsedCql {
  const tokens = tokenizeCql(cql);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, word: string) => t?.kind === 'word' && t.value.toUpperCase() === word;
  const next = () => {
    const t = tokens[pos++];
    if (!t) throw new CqlParseError('unexpected end');
    return t;
  };
  const expectPunct = (p: string) => {
    const t = next();
    if (t.kind !== 'punct' || t.value !== p) throw new CqlParseError(`expected ${p}`);
  };
  const value = (): string => {
    const t = next();
    if (t.kind === 'string' || t.kind === 'word') return t.value;
    throw new CqlParseError('expected a value');
  };
  const list = (): string[] => {
    expectPunct('(');
    const values = [value()];
    while (peek()?.kind === 'punct' && peek()?.value === ',') {
      pos++;
      values.push(value());
    }
    expectPunct(')');
    return values;
  };
  const date = (): Date => {
    const t = next();
    if (t.kind !== 'string') throw new CqlParseError('expected a date string');
    const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(t.value);
    if (!m) throw new CqlParseError(`bad date ${t.value}`);
    return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0)));
  };
  const clause = (): Clause => {
    const fieldToken = next();
    if (fieldToken.kind !== 'word') throw new CqlParseError('expected a field');
    const field = fieldToken.value.toLowerCase();
    const opToken = next();
    let op: string;
    if (opToken.kind === 'op') op = opToken.value;
    else if (isWord(opToken, 'IN')) op = 'IN';
    else if (isWord(opToken, 'NOT') && isWord(peek(), 'IN')) {
      pos++;
      op = 'NOT IN';
    } else throw new CqlParseError('expected an operator');
    if (mode === 'user') {
      if (field === 'user.fullname' && op === '~') return { field: 'user.fullname', value: value() };
      throw new CqlParseError(`field ${field} not supported for user search`);
    }
    switch (field) {
      case 'sitesearch':
      case 'text':
        if (op !== '~') break;
        return { field: 'text', terms: words(value()) };
      case 'title':
        if (op !== '=' && op !== '~') break;
        return { field: 'title', op, value: value() };
      case 'parent':
        if (op === '=') return { field: 'parent', value: value() };
        break;
      case 'id':
      case 'content':
        if (op === '=') return { field: 'id', values: [value()] };
        if (op === 'IN') return { field: 'id', values: list() };
        break;
      case 'type':
        if (op === '=') return { field: 'type', values: [value()] };
        if (op === 'IN') return { field: 'type', values: list() };
        break;
      case 'space':
      case 'space.key':
        if (op === '=') return { field: 'space', values: [value()] };
        if (op === 'IN') return { field: 'space', values: list() };
        break;
      case 'label':
        if (op === '=') return { field: 'label', values: [value()], negate: false };
        if (op === '!=') return { field: 'label', values: [value()], negate: true };
        if (op === 'IN') return { field: 'label', values: list(), negate: false };
        if (op === 'NOT IN') return { field: 'label', values: list(), negate: true };
        break;
      case 'lastmodified':
      case 'created':
        if (['=', '>', '>=', '<', '<='].includes(op)) return { field, op, value: date() };
        break;
    }
    throw new CqlParseError(`unsupported clause ${field} ${op}`);
  };
  const term = (): Expr => {
    const t = peek();
    if (t?.kind === 'punct' && t.value === '(') {
      pos++;
      const inner = expr();
      expectPunct(')');
      return inner;
    }
    return { clause: clause() };
  };
  const expr = (): Expr => {
    const parts = [term()];
    while (isWord(peek(), 'AND')) {
      pos++;
      parts.push(term());
    }
    return parts.length === 1 ? parts[0] : { and: parts };
  };
  const parsed: ParsedCql = { expr: expr() };
  if (isWord(peek(), 'ORDER')) {
    pos++;
    if (!isWord(next(), 'BY')) throw new CqlParseError('expected BY');
    const field = value().toLowerCase();
    let desc = false;
    if (isWord(peek(), 'DESC')) {
      desc = true;
      pos++;
    } else if (isWord(peek(), 'ASC')) pos++;
    parsed.orderBy = { field, desc };
  }
  if (pos !== tokens.length) throw new CqlParseError('trailing input');
  return parsed;
}

function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 0);
}

// ------------------------------------------------------------------------------------------------
// Helpers

const HL_START = '@@@hl@@@';
const HL_END = '@@@endhl@@@';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function storageToText(storage: string): string {
  return storage
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/<ri:page[^>]*ri:content-title="([^"]*)"[^>]*\/>/g, ' $1 ')
    .replace(/<\/(p|h[1-6]|li|tr|div|pre|blockquote)>/g, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}

/** Wraps words in `terms` with highlight markers; escapes unless `escape` is false. */
function highlight(text: string, terms: Set<string>, escape: boolean, mark: boolean): string {
  const esc = escape ? escapeHtml : (s: string) => s;
  if (!mark || terms.size === 0) return esc(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const index = m.index ?? 0;
    if (!terms.has(m[0].toLowerCase())) continue;
    out += esc(text.slice(last, index)) + HL_START + esc(m[0]) + HL_END;
    last = index + m[0].length;
  }
  return out + esc(text.slice(last));
}

function slug(title: string): string {
  return title.replace(/[^\p{L}\p{N}]+/gu, '+').replace(/^\+|\+$/g, '');
}

function friendly(iso: string): string {
  const d = new Date(iso);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${month} ${String(d.getUTCDate()).padStart(2, '0')}, ${d.getUTCFullYear()}`;
}

function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(cursor: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown };
    return typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0 ? parsed.o : undefined;
  } catch {
    return undefined;
  }
}

function labelId(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) % 1_000_000_007;
  return String(h);
}

function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

function v1Error(status: number, message: string): HttpError {
  return new HttpError(status, {
    statusCode: status,
    data: { authorized: status !== 401 && status !== 403, valid: true, errors: [], successful: false },
    message,
    reason: REASONS[status] ?? 'Error',
  });
}

function v2Error(status: number, code: string, title: string): HttpError {
  return new HttpError(status, { errors: [{ status, code, title, detail: null }] });
}

// ------------------------------------------------------------------------------------------------
// The server

export async function startConfluenceStub(options: ConfluenceStubOptions): Promise<ConfluenceStub> {
  const site: StubSite = { spaces: options.spaces, users: options.users, pages: options.pages, groups: options.groups ?? [] };
  const requests: StubRequest[] = [];
  const faults: Array<{ fault: StubFault; remaining: number }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const maxSearchLimit = options.maxSearchLimit ?? 50;
  let latencyMs = options.latencyMs ?? 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let url = '';
  let base = '';
  const dc = options.dataCenter;
  const context = dc ? (dc.contextPath ?? '').replace(/\/+$/, '') : '/wiki';
  const usernameOf = (user: StubUser | undefined) => (user ? (user.username ?? user.email.split('@')[0]) : undefined);
  /** Cloud writes UTC (`…Z`); Data Center the server's offset (here +02:00), the same instant. */
  const stamp = (iso: string) => {
    if (!dc) return iso;
    const shifted = new Date(Date.parse(iso) + 2 * 3600_000).toISOString();
    return `${shifted.slice(0, -1)}+02:00`;
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  // --- data access -------------------------------------------------------------------------------
  const pageById = (id: string) => site.pages.find((p) => p.id === id);
  const spaceByKey = (key: string) => site.spaces.find((s) => s.key === key);
  const userById = (accountId: string) => site.users.find((u) => u.accountId === accountId);

  const canRead = (page: StubPage, accountId: string): boolean => {
    const seen = new Set<string>();
    for (let p: StubPage | undefined = page; p && !seen.has(p.id); p = p.parentId ? pageById(p.parentId) : undefined) {
      seen.add(p.id);
      if (p.readableBy !== undefined && !new Set(p.readableBy).has(accountId)) return false;
    }
    return true;
  };

  const ancestorsOf = (page: StubPage): StubPage[] => {
    const chain: StubPage[] = [];
    const seen = new Set<string>([page.id]);
    for (let p = page.parentId ? pageById(page.parentId) : undefined; p && !seen.has(p.id); p = p.parentId ? pageById(p.parentId) : undefined) {
      seen.add(p.id);
      chain.unshift(p);
    }
    return chain;
  };

  // --- v1 shapes ---------------------------------------------------------------------------------
  const v1User = (accountId: string): Record<string, unknown> => {
    if (dc) return dcUser(accountId);
    const user = userById(accountId);
    const displayName = user?.displayName ?? 'Unknown user';
    return {
      type: 'known',
      accountId,
      accountType: 'atlassian',
      email: user && user.emailVisible !== false ? user.email : '',
      publicName: displayName,
      profilePicture: { path: `/wiki/aa-avatar/${accountId}`, width: 48, height: 48, isDefault: true },
      displayName,
      isExternalCollaborator: false,
      isGuest: false,
      locale: 'en_US',
      accountStatus: 'active',
      _expandable: { operations: '', personalSpace: '' },
      _links: { self: `${base}/rest/api/user?accountId=${encodeURIComponent(accountId)}` },
    };
  };

  /** Data Center's user: username and userKey, no accountId, no email; `type: 'anonymous'` for no login. */
  const dcUser = (accountId: string): Record<string, unknown> => {
    if (accountId === '') {
      return { type: 'anonymous', profilePicture: { path: `${context}/images/icons/profilepics/anonymous.svg`, width: 48, height: 48, isDefault: true }, displayName: 'Anonymous', _links: { self: `${base}/rest/api/user/anonymous` } };
    }
    const user = userById(accountId);
    const username = usernameOf(user) ?? accountId;
    return {
      type: 'known',
      username,
      userKey: accountId,
      profilePicture: { path: `${context}/images/icons/profilepics/default.svg`, width: 48, height: 48, isDefault: true },
      displayName: user?.displayName ?? username,
      _links: { self: `${base}/rest/api/user?key=${encodeURIComponent(accountId)}` },
      _expandable: { status: '' },
    };
  };

  /** `GET /rest/api/space` (Data Center): start/limit, next relative to base. */
  const dcSpaces = (query: URLSearchParams) => {
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 25) || 25, 1), 500);
    const start = Number(query.get('start') ?? 0) || 0;
    const sorted = [...site.spaces].sort((a, b) => a.key.localeCompare(b.key));
    const slice = sorted.slice(start, start + limit);
    const links: Record<string, string> = { base, context, self: `${base}/rest/api/space` };
    if (start + limit < sorted.length) links.next = `/rest/api/space?limit=${limit}&start=${start + limit}`;
    const expandDescription = listParam(query, 'expand').some((e) => e.startsWith('description'));
    return {
      results: slice.map((space) => ({
        ...v1Space(space.key),
        ...(expandDescription ? { description: { plain: { value: space.description ?? '', representation: 'plain' } } } : {}),
      })),
      start,
      limit,
      size: slice.length,
      _links: links,
    };
  };

  const v1Space = (key: string) => {
    const space = spaceByKey(key);
    return {
      id: Number(space?.id ?? 0),
      key,
      alias: key,
      name: space?.name ?? key,
      type: space?.type ?? 'global',
      status: 'current',
      _expandable: {
        settings: `/rest/api/space/${key}/settings`,
        metadata: '',
        operations: '',
        lookAndFeel: `/rest/api/settings/lookandfeel?spaceKey=${key}`,
        identifiers: '',
        permissions: '',
        roles: '',
        icon: '',
        description: '',
        theme: `/rest/api/space/${key}/theme`,
        history: '',
        homepage: space?.homepageId ? `/rest/api/content/${space.homepageId}` : '',
        typeSettings: '',
      },
      _links: { webui: `/spaces/${key}`, self: `${base}/rest/api/space/${key}` },
    };
  };

  const v1Version = (page: StubPage) => {
    const number = page.version ?? 1;
    return {
      by: v1User(page.lastUpdatedBy ?? page.authorId),
      when: stamp(page.updatedAt),
      friendlyWhen: friendly(page.updatedAt),
      message: '',
      number,
      minorEdit: false,
      confRev: `confluence$content$${page.id}.${number}`,
      contentTypeModified: false,
      _expandable: { collaborators: '', content: `/rest/api/content/${page.id}` },
      _links: { self: `${base}/rest/api/content/${page.id}/version/${number}` },
    };
  };

  const v1Labels = (page: StubPage) => {
    const labels = page.labels ?? [];
    return {
      results: labels.map((name) => ({ prefix: 'global', name, id: labelId(name), label: name })),
      start: 0,
      limit: 200,
      size: labels.length,
      _links: { self: `${base}/rest/api/content/${page.id}/label` },
    };
  };

  const webui = (page: StubPage) => (dc ? `/display/${page.spaceKey}/${slug(page.title)}` : `/spaces/${page.spaceKey}/pages/${page.id}/${slug(page.title)}`);

  /** A v1 Content; `expand` holds expansion names relative to the content (no `content.` prefix). */
  const v1Content = (page: StubPage, expand: Set<string>, depth = 0): Record<string, unknown> => {
    const has = (name: string) => [...expand].some((e) => e === name || e.startsWith(`${name}.`));
    const content: Record<string, unknown> = {
      id: page.id,
      type: 'page',
      status: 'current',
      title: page.title,
      childTypes: {},
      macroRenderedOutput: {},
      restrictions: {},
    };
    const expandable: Record<string, string> = {
      container: `/rest/api/space/${page.spaceKey}`,
      metadata: '',
      extensions: '',
      operations: '',
      children: `/rest/api/content/${page.id}/child`,
      history: `/rest/api/content/${page.id}/history`,
      ancestors: '',
      body: '',
      version: '',
      descendants: `/rest/api/content/${page.id}/descendant`,
      space: `/rest/api/space/${page.spaceKey}`,
    };
    if (has('space')) {
      content.space = v1Space(page.spaceKey);
      delete expandable.space;
    }
    if (has('version')) {
      content.version = v1Version(page);
      delete expandable.version;
    }
    if (has('history')) {
      const history: Record<string, unknown> = {
        latest: true,
        createdBy: v1User(page.authorId),
        createdDate: stamp(page.createdAt),
        _expandable: { lastUpdated: '', previousVersion: '', contributors: '', nextVersion: '', ownedBy: '', lastOwnedBy: '' },
        _links: { self: `${base}/rest/api/content/${page.id}/history` },
      };
      if (expand.has('history.lastUpdated')) history.lastUpdated = v1Version(page);
      if (expand.has('history.ownedBy') && page.ownerId) history.ownedBy = v1User(page.ownerId);
      content.history = history;
      delete expandable.history;
    }
    if (has('metadata')) {
      const metadata: Record<string, unknown> = {
        _expandable: { currentuser: '', comments: '', sourceTemplateEntityId: '', simple: '', properties: '', frontend: '', likes: '' },
      };
      if (has('metadata.labels')) metadata.labels = v1Labels(page);
      content.metadata = metadata;
      delete expandable.metadata;
    }
    if (has('ancestors') && depth === 0) {
      content.ancestors = ancestorsOf(page).map((a) => v1Content(a, new Set(), depth + 1));
      delete expandable.ancestors;
    }
    if (has('body')) {
      const body: Record<string, unknown> = {
        _expandable: { editor: '', atlas_doc_format: '', view: '', export_view: '', styled_view: '', dynamic: '', storage: '', editor2: '', anonymous_export_view: '' },
      };
      if (has('body.storage')) {
        body.storage = {
          value: page.storage,
          representation: 'storage',
          embeddedContent: [],
          _expandable: { content: `/rest/api/content/${page.id}` },
        };
        delete (body._expandable as Record<string, string>).storage;
      }
      content.body = body;
      delete expandable.body;
    }
    content._expandable = expandable;
    content._links = {
      webui: webui(page),
      edituiv2: `/spaces/${page.spaceKey}/pages/edit-v2/${page.id}`,
      self: `${base}/rest/api/content/${page.id}`,
      tinyui: `/x/${tinyCode(page.id)}`,
    };
    return content;
  };

  /** Stemmed words of a page, recomputed only when its title or body changes. */
  const indexCache = new Map<string, { key: string; title: string[]; body: string[]; all: Set<string> }>();
  const indexed = (page: StubPage) => {
    const key = `${page.title}\u0000${page.storage}`;
    const known = indexCache.get(page.id);
    if (known && known.key === key) return known;
    const title = words(page.title).map((w) => stemmer(w));
    const body = words(storageToText(page.storage)).map((w) => stemmer(w));
    const entry = { key, title, body, all: new Set([...title, ...body]) };
    indexCache.set(page.id, entry);
    return entry;
  };

  // --- routes ------------------------------------------------------------------------------------
  /** `contentRows`: Data Center's `/rest/api/content/search`, whose rows are Content (expansions without `content.`). */
  const search = (query: URLSearchParams, caller: StubUser, routePath: string, contentRows = false) => {
    const cql = query.get('cql');
    if (cql === null || cql.trim() === '') throw v1Error(400, 'com.atlassian.confluence.api.service.exceptions.BadRequestException: CQL query parameter is required');
    let parsed: ParsedCql;
    try {
      parsed = parseCql(cql, 'content');
    } catch {
      throw v1Error(400, `com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not parse cql : ${cql}`);
    }
    const textTerms = new Set<string>();
    const titleTerms = new Set<string>();
    const evaluate = (expr: Expr, page: StubPage): boolean => {
      if ('and' in expr) return expr.and.every((e) => evaluate(e, page));
      const c = expr.clause;
      switch (c.field) {
        case 'text': {
          // Like Confluence's English analyser: stemmed words, any term matches, relevance ranks.
          const hay = indexed(page).all;
          return c.terms.some((t) => hay.has(stemmer(t)));
        }
        case 'title':
          return c.op === '='
            ? page.title.toLowerCase() === c.value.toLowerCase()
            : words(c.value).some((t) => words(page.title).includes(t));
        case 'parent':
          return (page.parentId ?? '') === c.value;
        case 'id':
          return c.values.includes(page.id);
        case 'type':
          return c.values.some((v) => v.toLowerCase() === 'page');
        case 'space':
          return c.values.includes(page.spaceKey);
        case 'label': {
          const hit = c.values.some((v) => (page.labels ?? []).includes(v));
          return c.negate ? !hit : hit;
        }
        case 'lastmodified':
        case 'created': {
          const t = Date.parse(c.field === 'created' ? page.createdAt : page.updatedAt);
          const start = c.value.getTime();
          const end = start + 24 * 3600 * 1000;
          switch (c.op) {
            case '=':
              return t >= start && t < end;
            case '>':
              return t >= end;
            case '>=':
              return t >= start;
            case '<':
              return t < start;
            default:
              return t < end;
          }
        }
        default:
          return false;
      }
    };
    const collect = (expr: Expr) => {
      if ('and' in expr) expr.and.forEach(collect);
      else if (expr.clause.field === 'text') expr.clause.terms.forEach((t) => textTerms.add(t));
      else if (expr.clause.field === 'title' && expr.clause.op === '~') words(expr.clause.value).forEach((t) => titleTerms.add(t));
    };
    collect(parsed.expr);
    // BM25 (k1 1.2, b 0.75) over body and a 3× title field with site-wide statistics, as a
    // Lucene-backed search ranks; the stub's scores are only ever compared with each other.
    const stems = [...new Set([...textTerms].map((t) => stemmer(t)))];
    const all = site.pages.map(indexed);
    const avgLength = all.reduce((sum, p) => sum + p.body.length, 0) / Math.max(1, all.length);
    const idf = new Map(stems.map((t) => {
      const df = all.filter((p) => p.all.has(t)).length;
      return [t, Math.log(1 + (all.length - df + 0.5) / (df + 0.5))];
    }));
    const score = (page: StubPage) => {
      const { title, body } = indexed(page);
      let s = 0;
      for (const t of stems) {
        const tf = body.filter((w) => w === t).length;
        const inTitle = title.filter((w) => w === t).length;
        const bodyPart = tf === 0 ? 0 : (tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * body.length) / avgLength));
        s += idf.get(t)! * (bodyPart + (inTitle > 0 ? 3 : 0));
      }
      return s;
    };
    let candidates = site.pages.filter((p) => evaluate(parsed.expr, p));
    if (parsed.orderBy) {
      const key = parsed.orderBy.field === 'created' ? 'createdAt' : parsed.orderBy.field === 'title' ? 'title' : 'updatedAt';
      const dir = parsed.orderBy.desc ? -1 : 1;
      candidates.sort((a, b) => (a[key] < b[key] ? -dir : a[key] > b[key] ? dir : a.id.localeCompare(b.id)));
    } else if (textTerms.size > 0) {
      candidates.sort((a, b) => score(b) - score(a) || b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
    } else {
      candidates.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
    }
    if (!options.postFilterSearch) candidates = candidates.filter((p) => canRead(p, caller.accountId));

    const limitParam = query.get('limit');
    const limit = Math.min(Math.max(limitParam === null ? 25 : Number(limitParam) || 25, 1), maxSearchLimit);
    let offset = Number(query.get('start') ?? 0) || 0;
    const cursor = query.get('cursor');
    if (cursor !== null) {
      const decoded = decodeCursor(cursor);
      if (decoded === undefined) throw v1Error(400, 'com.atlassian.confluence.api.service.exceptions.BadRequestException: Invalid cursor');
      offset = decoded;
    }
    const slice = candidates.slice(offset, offset + limit);
    const visible = options.postFilterSearch ? slice.filter((p) => canRead(p, caller.accountId)) : slice;

    const excerptMode = options.excerptOverride ?? query.get('excerpt') ?? 'highlight';
    const escape = excerptMode === 'highlight' || excerptMode === 'indexed';
    const mark = excerptMode.startsWith('highlight');
    const hlTerms = new Set([...textTerms, ...titleTerms]);
    const expand = new Set(
      contentRows
        ? listParam(query, 'expand')
        : listParam(query, 'expand')
            .filter((e) => e.startsWith('content.'))
            .map((e) => e.slice('content.'.length)),
    );
    const results = visible.map((page): Record<string, unknown> => {
      if (contentRows) return v1Content(page, expand);
      const text = storageToText(page.storage).replace(/\n+/g, '\n');
      const lower = text.toLowerCase();
      let at = 0;
      for (const t of hlTerms) {
        const i = lower.indexOf(t);
        if (i >= 0) {
          at = Math.max(0, i - 40);
          break;
        }
      }
      const raw = text.slice(at, at + 200);
      const space = spaceByKey(page.spaceKey);
      return {
        content: v1Content(page, expand),
        title: highlight(page.title, hlTerms, escape, mark),
        excerpt: excerptMode === 'none' ? '' : highlight(raw, hlTerms, escape, mark),
        url: webui(page),
        resultGlobalContainer: { title: space?.name ?? page.spaceKey, displayUrl: `/spaces/${page.spaceKey}` },
        breadcrumbs: [],
        entityType: 'content',
        iconCssClass: 'aui-icon content-type-page',
        lastModified: stamp(page.updatedAt),
        friendlyLastModified: friendly(page.updatedAt),
        // Data Center reports when, not how well: `timestamp` (epoch ms) instead of `score`.
        ...(dc ? { timestamp: Date.parse(page.updatedAt) } : { score: score(page) }),
      };
    });

    const links: Record<string, string> = { base, context };
    const echo = (extra: Record<string, string>) => {
      const p = new URLSearchParams(extra);
      const exp = query.getAll('expand');
      if (exp.length > 0) p.set('expand', exp.join(','));
      p.set('limit', String(limit));
      p.set('cql', cql);
      return p;
    };
    if (dc && offset + limit < candidates.length) {
      // Data Center: relative to `_links.base` (context path included), start/limit only, no cursor.
      const p = echo({});
      p.set('start', String(offset + limit));
      links.next = `${routePath}?${p.toString()}`;
    } else if (offset + limit < candidates.length) {
      // Like Cloud: context-relative, carries cursor/limit/start/cql/expand but drops `excerpt`.
      const p = echo({ next: 'true', cursor: encodeCursor(offset + limit) });
      p.set('start', String(offset + limit));
      links.next = `${routePath}?${p.toString()}`;
    }
    if (offset > 0 && !dc) {
      const p = echo({ prev: 'true', cursor: encodeCursor(Math.max(0, offset - limit)) });
      p.set('start', String(Math.max(0, offset - limit)));
      links.prev = `${routePath}?${p.toString()}`;
    }
    links.self = `${base}${routePath}?${query.toString()}`;
    return {
      results,
      start: offset,
      limit,
      size: results.length,
      totalSize: candidates.length,
      cqlQuery: cql,
      searchDuration: 12,
      _links: links,
    };
  };

  /** `GET /wiki/rest/api/group/picker`: partial, case-insensitive name match, paged (GroupArrayWithLinks). */
  const groupPicker = (query: URLSearchParams) => {
    const wanted = query.get('query');
    if (wanted === null) throw v1Error(400, 'com.atlassian.confluence.api.service.exceptions.BadRequestException: query is required');
    const matches = (site.groups ?? []).filter((g) => g.name.toLowerCase().includes(wanted.toLowerCase()));
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 200) || 200, 1), 200);
    const start = Number(query.get('start') ?? 0) || 0;
    const slice = matches.slice(start, start + limit);
    const links: Record<string, string> = { base, context: '/wiki', self: `${base}/rest/api/group/picker?${query.toString()}` };
    if (start + limit < matches.length) links.next = `/rest/api/group/picker?${new URLSearchParams({ query: wanted, limit: String(limit), start: String(start + limit) }).toString()}`;
    return {
      results: slice.map((g) => ({ type: 'group', name: g.name, id: g.id, usageType: 'USERBASE_GROUP', managedBy: 'ADMINS', _links: { self: `${base}/rest/api/group/by-id?id=${g.id}` } })),
      start,
      limit,
      size: slice.length,
      _links: links,
    };
  };

  const searchUser = (query: URLSearchParams) => {
    const cql = query.get('cql') ?? '';
    let parsed: ParsedCql;
    try {
      parsed = parseCql(cql, 'user');
    } catch {
      throw v1Error(400, `com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not parse cql : ${cql}`);
    }
    const clauses: Clause[] = [];
    const collect = (e: Expr) => ('and' in e ? e.and.forEach(collect) : clauses.push(e.clause));
    collect(parsed.expr);
    const matches = site.users.filter((u) =>
      clauses.every((c) => {
        if (c.field !== 'user.fullname') return false;
        const names = words(u.displayName);
        return words(c.value).every((t) => names.some((n) => n.startsWith(t)));
      }),
    );
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 25) || 25, 1), maxSearchLimit);
    const start = Number(query.get('start') ?? 0) || 0;
    const slice = matches.slice(start, start + limit);
    const links: Record<string, string> = { base, context: '/wiki', self: `${base}/rest/api/search/user?${query.toString()}` };
    if (start + limit < matches.length) {
      const p = new URLSearchParams({ cql, limit: String(limit), start: String(start + limit) });
      links.next = `/rest/api/search/user?${p.toString()}`;
    }
    return {
      results: slice.map((u) => ({
        user: v1User(u.accountId),
        title: u.displayName,
        excerpt: '',
        url: `/people/${u.accountId}`,
        breadcrumbs: [],
        entityType: 'user',
        iconCssClass: 'aui-icon content-type-profile',
        lastModified: '2024-01-01T00:00:00.000Z',
        score: 0,
      })),
      start,
      limit,
      size: slice.length,
      totalSize: matches.length,
      cqlQuery: cql,
      searchDuration: 3,
      _links: links,
    };
  };

  const readablePage = (id: string, caller: StubUser, notFound: () => HttpError): StubPage => {
    const page = pageById(id);
    if (!page || !canRead(page, caller.accountId)) throw notFound();
    return page;
  };

  /**
   * Data Center `GET /rest/api/content/{id}/history`: the creation always; `lastUpdated` and
   * `previousVersion` (the latest version and the one before) only when expanded. 404 for a
   * page the caller may not read, as for a missing one.
   */
  const dcHistory = (id: string, query: URLSearchParams, caller: StubUser) => {
    const page = readablePage(id, caller, () =>
      v1Error(404, `com.atlassian.confluence.api.service.exceptions.NotFoundException: No content found with id : ContentId{id=${id}}`),
    );
    const expand = new Set(listParam(query, 'expand'));
    const current = page.version ?? 1;
    const earlier = (page.history ?? (current > 1 ? [{ number: 1, when: page.createdAt, by: page.authorId, message: '' }] : []))
      .filter((v) => v.number < current)
      .sort((a, b) => b.number - a.number);
    const history: Record<string, unknown> = {
      latest: true,
      createdBy: v1User(page.authorId),
      createdDate: stamp(page.createdAt),
      _expandable: { lastUpdated: '', previousVersion: '', contributors: '', nextVersion: '' },
      _links: { self: `${base}/rest/api/content/${page.id}/history`, base, context },
    };
    if (expand.has('lastUpdated')) history.lastUpdated = v1Version(page);
    const previous = earlier[0];
    if (expand.has('previousVersion') && previous) {
      history.previousVersion = {
        by: v1User(previous.by),
        when: stamp(previous.when),
        friendlyWhen: friendly(previous.when),
        message: previous.message ?? '',
        number: previous.number,
        minorEdit: false,
        _links: { self: `${base}/rest/api/content/${page.id}/version/${previous.number}` },
      };
    }
    for (const name of ['lastUpdated', 'previousVersion']) if (name in history) delete (history._expandable as Record<string, string>)[name];
    return history;
  };

  const v1ContentGet = (id: string, query: URLSearchParams, caller: StubUser) => {
    const page = readablePage(id, caller, () =>
      v1Error(404, `com.atlassian.confluence.api.service.exceptions.NotFoundException: No content found with id : ContentId{id=${id}}`),
    );
    const content = v1Content(page, new Set(listParam(query, 'expand')));
    (content._links as Record<string, string>).base = base;
    (content._links as Record<string, string>).context = context;
    return content;
  };

  const v2PageShape = (page: StubPage, query: URLSearchParams, single: boolean) => {
    const space = spaceByKey(page.spaceKey);
    const parent = page.parentId ? pageById(page.parentId) : undefined;
    const shape: Record<string, unknown> = {
      parentType: parent ? 'page' : null,
      parentId: parent ? parent.id : null,
      spaceId: space?.id ?? '0',
      ownerId: page.ownerId ?? page.authorId,
      lastOwnerId: null,
      createdAt: page.createdAt,
      authorId: page.authorId,
      position: 0,
      id: page.id,
      status: 'current',
      title: page.title,
    };
    if (query.get('include-version') !== 'false') {
      shape.version = {
        number: page.version ?? 1,
        message: '',
        minorEdit: false,
        authorId: page.lastUpdatedBy ?? page.authorId,
        createdAt: page.updatedAt,
        ncsStepVersion: null,
      };
    }
    const format = query.get('body-format');
    shape.body = format === 'storage' ? { storage: { representation: 'storage', value: page.storage } } : {};
    if (single && query.get('include-labels') === 'true') {
      shape.labels = {
        results: (page.labels ?? []).map((name) => ({ id: labelId(name), name, prefix: 'global' })),
        meta: { hasMore: false, cursor: '' },
        _links: { self: `${base}/api/v2/pages/${page.id}/labels` },
      };
    }
    shape._links = {
      editui: `/pages/resumedraft.action?draftId=${page.id}`,
      webui: webui(page),
      edituiv2: `/spaces/${page.spaceKey}/pages/edit-v2/${page.id}`,
      tinyui: `/x/${tinyCode(page.id)}`,
      ...(single ? { base } : {}),
    };
    return shape;
  };

  const v2Page = (id: string, query: URLSearchParams, caller: StubUser) => {
    if (!/^\d+$/.test(id)) throw v2Error(400, 'INVALID_REQUEST_PARAMETER', `Invalid page id: ${id}`);
    const page = readablePage(id, caller, () => v2Error(404, 'NOT_FOUND', 'Not Found'));
    return v2PageShape(page, query, true);
  };

  const v2Paginate = <T>(items: T[], query: URLSearchParams, path: string, max: number) => {
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 25) || 25, 1), max);
    const cursor = query.get('cursor');
    const offset = cursor === null ? 0 : decodeCursor(cursor);
    if (offset === undefined) throw v2Error(400, 'INVALID_REQUEST_PARAMETER', 'Invalid cursor');
    const slice = items.slice(offset, offset + limit);
    const links: Record<string, string> = { base };
    let linkHeader: string | undefined;
    if (offset + limit < items.length) {
      const p = new URLSearchParams(query);
      p.set('cursor', encodeCursor(offset + limit));
      p.set('limit', String(limit));
      links.next = `/wiki${path}?${p.toString()}`;
      linkHeader = `<${links.next}>; rel="next", <${base}>; rel="base"`;
    }
    return { slice, links, linkHeader };
  };

  const v2Pages = (query: URLSearchParams, caller: StubUser) => {
    const ids = listParam(query, 'id');
    const spaceIds = listParam(query, 'space-id');
    const title = query.get('title');
    const pages = site.pages
      .filter((p) => canRead(p, caller.accountId))
      .filter((p) => ids.length === 0 || ids.includes(p.id))
      .filter((p) => spaceIds.length === 0 || spaceIds.includes(spaceByKey(p.spaceKey)?.id ?? ''))
      .filter((p) => title === null || p.title === title)
      .sort((a, b) => Number(a.id) - Number(b.id));
    const { slice, links, linkHeader } = v2Paginate(pages, query, '/api/v2/pages', 250);
    return { body: { results: slice.map((p) => v2PageShape(p, query, false)), _links: links }, linkHeader };
  };

  /** Ancestors root first, ids and types only, as Cloud answers; 404 for a page the caller cannot read. */
  const v2PageAncestors = (id: string, caller: StubUser) => {
    if (!/^\d+$/.test(id)) throw v2Error(400, 'INVALID_REQUEST_PARAMETER', `Invalid page id: ${id}`);
    const page = readablePage(id, caller, () => v2Error(404, 'NOT_FOUND', 'Not Found'));
    return { results: ancestorsOf(page).map((a) => ({ id: a.id, type: 'page' })), _links: { base } };
  };

  const v2PageVersions = (id: string, query: URLSearchParams, caller: StubUser) => {
    if (!/^\d+$/.test(id)) throw v2Error(400, 'INVALID_REQUEST_PARAMETER', `Invalid page id: ${id}`);
    const page = readablePage(id, caller, () => v2Error(404, 'NOT_FOUND', 'Not Found'));
    const current = page.version ?? 1;
    const earlier = page.history ?? (current > 1 ? [{ number: 1, when: page.createdAt, by: page.authorId, message: '' }] : []);
    const versions = [{ number: current, when: page.updatedAt, by: page.lastUpdatedBy ?? page.authorId, message: '' }, ...earlier.filter((v) => v.number !== current)];
    const descending = query.get('sort') !== 'modified-date';
    versions.sort((a, b) => (descending ? b.number - a.number : a.number - b.number));
    const { slice, links, linkHeader } = v2Paginate(versions, query, `/api/v2/pages/${id}/versions`, 250);
    const results = slice.map((v) => ({
      createdAt: v.when,
      message: v.message ?? '',
      number: v.number,
      minorEdit: false,
      authorId: v.by,
      page: { id: page.id, title: page.title },
    }));
    return { body: { results, _links: links }, linkHeader };
  };

  const v2Spaces = (query: URLSearchParams) => {
    const keys = listParam(query, 'keys');
    const ids = listParam(query, 'ids');
    const format = query.get('description-format');
    const spaces = site.spaces
      .filter((s) => keys.length === 0 || keys.includes(s.key))
      .filter((s) => ids.length === 0 || ids.includes(s.id))
      .sort((a, b) => Number(a.id) - Number(b.id));
    const { slice, links, linkHeader } = v2Paginate(spaces, query, '/api/v2/spaces', 250);
    const results = slice.map((s) => {
      const shape: Record<string, unknown> = {
        id: s.id,
        key: s.key,
        name: s.name,
        type: s.type ?? 'global',
        status: 'current',
        authorId: site.users[0]?.accountId ?? 'unknown',
        createdAt: '2020-01-01T00:00:00.000Z',
        homepageId: s.homepageId ?? site.pages.find((p) => p.spaceKey === s.key && !p.parentId)?.id ?? '0',
        spaceOwnerId: site.users[0]?.accountId ?? 'unknown',
        currentActiveAlias: s.key,
        _links: { webui: `/spaces/${s.key}` },
      };
      if (format === 'plain' || format === 'view') {
        shape.description = { [format]: { representation: format, value: s.description ?? '' } };
      }
      return shape;
    });
    return { body: { results, _links: links }, linkHeader };
  };

  const permissionCheck = (id: string, body: unknown, caller: StubUser) => {
    const b = body as { subject?: { type?: unknown; identifier?: unknown }; operation?: unknown } | undefined;
    const type = b?.subject?.type;
    const identifier = b?.subject?.identifier;
    const operation = b?.operation;
    if ((type !== 'user' && type !== 'group') || typeof identifier !== 'string' || identifier === '') {
      throw v1Error(400, 'com.atlassian.confluence.api.service.exceptions.BadRequestException: Invalid subject');
    }
    if (operation !== 'read' && operation !== 'update' && operation !== 'delete') {
      throw v1Error(400, 'com.atlassian.confluence.api.service.exceptions.BadRequestException: Invalid operation');
    }
    if (!(type === 'user' && identifier === caller.accountId) && !caller.admin) {
      throw v1Error(403, 'com.atlassian.confluence.api.service.exceptions.PermissionException: Only Confluence administrators can check permissions of other users');
    }
    const page = pageById(id);
    if (!page) throw v1Error(404, `com.atlassian.confluence.api.service.exceptions.NotFoundException: No content found with id : ContentId{id=${id}}`);
    if (type === 'user' && !userById(identifier)) {
      return { hasPermission: false, errors: [{ translation: 'User is not allowed to use Confluence', args: [] }] };
    }
    const allowed = type === 'user' ? canRead(page, identifier) : ancestorsOf(page).concat(page).every((p) => p.readableBy === undefined);
    return allowed
      ? { hasPermission: true }
      : { hasPermission: false, errors: [{ translation: `${type === 'user' ? 'User' : 'Group'} does not have permission to the content`, args: [] }] };
  };

  // --- dispatch ----------------------------------------------------------------------------------
  const routeOf = (method: string, fullPath: string): { route: StubRoute; id?: string } => {
    let m: RegExpExecArray | null;
    if (dc) {
      // Data Center: everything under the context path, REST v1 without `/wiki`; no v2, no user search.
      if (!fullPath.startsWith(`${context}/`)) return { route: 'unknown' };
      const path = fullPath.slice(context.length);
      if (method === 'GET' && path === '/rest/api/search') return { route: 'search' };
      if (method === 'GET' && path === '/rest/api/user') return { route: 'user' };
      if (method === 'GET' && path === '/rest/api/user/current') return { route: 'currentUser' };
      if (method === 'GET' && (m = /^\/rest\/api\/group\/([^/]+)$/.exec(path))) return { route: 'dcGroup', id: decodeURIComponent(m[1]) };
      if (method === 'GET' && path === '/rest/api/space') return { route: 'space' };
      if (method === 'GET' && path === '/rest/api/content/search') return { route: 'contentSearch' };
      if (method === 'GET' && (m = /^\/rest\/api\/content\/([^/]+)\/history$/.exec(path))) return { route: 'history', id: decodeURIComponent(m[1]) };
      if (method === 'GET' && (m = /^\/rest\/api\/content\/([^/]+)$/.exec(path))) return { route: 'content', id: decodeURIComponent(m[1]) };
      return { route: 'unknown' };
    }
    const path = fullPath;
    if (method === 'GET' && path === '/wiki/rest/api/search') return { route: 'search' };
    if (method === 'GET' && path === '/wiki/rest/api/search/user') return { route: 'searchUser' };
    if (method === 'GET' && path === '/wiki/rest/api/user') return { route: 'user' };
    if (method === 'GET' && path === '/wiki/rest/api/group/picker') return { route: 'groupPicker' };
    if (method === 'GET' && path === '/wiki/rest/api/user/current') return { route: 'currentUser' };
    if (method === 'POST' && (m = /^\/wiki\/rest\/api\/content\/([^/]+)\/permission\/check$/.exec(path))) return { route: 'permissionCheck', id: decodeURIComponent(m[1]) };
    if (method === 'GET' && (m = /^\/wiki\/rest\/api\/content\/([^/]+)$/.exec(path))) return { route: 'content', id: decodeURIComponent(m[1]) };
    if (method === 'GET' && (m = /^\/wiki\/api\/v2\/pages\/([^/]+)$/.exec(path))) return { route: 'v2.page', id: decodeURIComponent(m[1]) };
    if (method === 'GET' && (m = /^\/wiki\/api\/v2\/pages\/([^/]+)\/ancestors$/.exec(path))) return { route: 'v2.pageAncestors', id: decodeURIComponent(m[1]) };
    if (method === 'GET' && (m = /^\/wiki\/api\/v2\/pages\/([^/]+)\/versions$/.exec(path))) return { route: 'v2.pageVersions', id: decodeURIComponent(m[1]) };
    if (method === 'GET' && path === '/wiki/api/v2/pages') return { route: 'v2.pages' };
    if (method === 'GET' && path === '/wiki/api/v2/spaces') return { route: 'v2.spaces' };
    return { route: 'unknown' };
  };

  /** Data Center: a PAT names its owner; basic is `username:password` (any password unless `apiToken`). */
  const authenticateDc = (header: string | undefined): StubUser | undefined => {
    const bearer = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (bearer) {
      const owner = dc!.tokens[bearer[1].trim()];
      return owner !== undefined ? userById(owner) : undefined;
    }
    const basic = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!basic) return undefined;
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    if (options.apiToken !== undefined && decoded.slice(colon + 1) !== options.apiToken) return undefined;
    const username = decoded.slice(0, colon).toLowerCase();
    return site.users.find((u) => usernameOf(u)?.toLowerCase() === username);
  };

  const authenticate = (header: string | undefined): StubUser | undefined => {
    if (dc) return authenticateDc(header);
    const m = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const email = decoded.slice(0, colon).toLowerCase();
    const token = decoded.slice(colon + 1);
    if (options.apiToken !== undefined && token !== options.apiToken) return undefined;
    return site.users.find((u) => u.email.toLowerCase() === email);
  };

  const takeFault = (path: string): StubFault | undefined => {
    const index = faults.findIndex(
      (f) => f.remaining > 0 && (f.fault.route === undefined || (typeof f.fault.route === 'string' ? path.startsWith(f.fault.route) : f.fault.route.test(path))),
    );
    if (index < 0) return undefined;
    const entry = faults[index];
    entry.remaining -= 1;
    if (entry.remaining === 0) faults.splice(index, 1);
    return entry.fault;
  };

  const send = (res: http.ServerResponse, record: StubRequest, status: number, body: string, headers: Record<string, string>) => {
    record.status = status;
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
    const cut = record.fault?.shortBody;
    if (cut !== undefined && cut < Buffer.byteLength(body)) {
      // Fewer bytes than announced, then the connection ends: the client sees a truncated body.
      res.write(Buffer.from(body).subarray(0, Math.max(0, cut)), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  };
  const sendJson = (res: http.ServerResponse, record: StubRequest, status: number, body: unknown, headers: Record<string, string> = {}) =>
    send(res, record, status, JSON.stringify(body), { 'content-type': 'application/json;charset=UTF-8', ...headers });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const parsedUrl = new URL(req.url ?? '/', 'http://stub.invalid');
    const method = req.method ?? 'GET';
    const path = parsedUrl.pathname;
    const { route, id } = routeOf(method, path);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: unknown;
    if (chunks.length > 0) {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const caller = authenticate(req.headers.authorization);
    const record: StubRequest = { method, path, query: parsedUrl.searchParams, route, caller: caller?.accountId, body };
    requests.push(record);

    if (latencyMs > 0) await wait(latencyMs);
    const fault = takeFault(path);
    if (fault) {
      record.fault = fault;
      if (fault.delayMs) await wait(fault.delayMs);
      if (fault.dropConnection) {
        req.socket.destroy();
        return;
      }
      if (fault.malformedJson) {
        return send(res, record, fault.status ?? 200, '{"results":[{"content":{"id":"20', {
          'content-type': 'application/json;charset=UTF-8',
          ...fault.headers,
        });
      }
      if (fault.htmlBody !== undefined) {
        return send(res, record, fault.status ?? 200, fault.htmlBody, {
          'content-type': 'text/html;charset=UTF-8',
          ...(fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}),
          ...fault.headers,
        });
      }
      if (fault.status !== undefined) {
        const headers: Record<string, string> = { ...fault.headers };
        if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
        if (fault.body !== undefined) return send(res, record, fault.status, fault.body, { 'content-type': 'application/json;charset=UTF-8', ...headers });
        const message = fault.status === 429 ? 'Rate limit exceeded' : REASONS[fault.status] ?? 'Error';
        const envelope = path.startsWith('/wiki/api/v2/')
          ? { errors: [{ status: fault.status, code: (REASONS[fault.status] ?? 'ERROR').toUpperCase().replace(/ /g, '_'), title: message, detail: null }] }
          : { statusCode: fault.status, data: { authorized: true, valid: true, errors: [], successful: false }, message, reason: REASONS[fault.status] ?? 'Error' };
        return sendJson(res, record, fault.status, envelope, headers);
      }
    }

    const v2 = path.startsWith('/wiki/api/v2/');
    if (dc && route === 'unknown') {
      // Outside the REST API (a `/wiki` prefix, v2, a wrong context path): the web app's HTML 404.
      return send(res, record, 404, '<!DOCTYPE html><html><head><title>Page Not Found - Confluence</title></head><body><h1>Page Not Found</h1></body></html>', {
        'content-type': 'text/html;charset=UTF-8',
      });
    }
    // Data Center with anonymous access: credentials that did not take are served as anonymous.
    const anonymous: StubUser | undefined = dc?.anonymousAccess && !caller ? { accountId: '', displayName: 'Anonymous', email: '' } : undefined;
    // Seraph marks credentials that failed but were served anyway (sent only when some were given).
    if (anonymous && req.headers.authorization && dc?.markFailedLogins) res.setHeader('X-Seraph-LoginReason', 'AUTHENTICATED_FAILED');
    const acting = caller ?? anonymous;
    try {
      if (!acting) {
        throw new HttpError(401, { code: 401, message: 'Unauthorized; basic auth credentials were rejected' });
      }
      switch (route) {
        case 'search':
          return sendJson(res, record, 200, search(parsedUrl.searchParams, acting, '/rest/api/search'));
        case 'space':
          return sendJson(res, record, 200, dcSpaces(parsedUrl.searchParams));
        case 'contentSearch':
          return sendJson(res, record, 200, search(parsedUrl.searchParams, acting, '/rest/api/content/search', true));
        case 'history':
          return sendJson(res, record, 200, dcHistory(id!, parsedUrl.searchParams, acting));
        case 'searchUser':
          return sendJson(res, record, 200, searchUser(parsedUrl.searchParams));
        case 'groupPicker':
          return sendJson(res, record, 200, groupPicker(parsedUrl.searchParams));
        case 'content':
          return sendJson(res, record, 200, v1ContentGet(id!, parsedUrl.searchParams, acting));
        case 'permissionCheck':
          return sendJson(res, record, 200, permissionCheck(id!, body, acting));
        case 'dcGroup': {
          // Data Center: exact (case-insensitive) name, `{type:'group', name}`; 404 otherwise.
          const group = (site.groups ?? []).find((g) => g.name.toLowerCase() === id!.toLowerCase());
          if (!group) throw v1Error(404, `No group found with name: ${id}`);
          return sendJson(res, record, 200, { type: 'group', name: group.name, _links: { self: `${base}/rest/api/group/${encodeURIComponent(group.name)}` } });
        }
        case 'user': {
          if (dc) {
            const username = parsedUrl.searchParams.get('username');
            const key = parsedUrl.searchParams.get('key');
            const user = site.users.find((u) => (username !== null && usernameOf(u) === username) || (key !== null && u.accountId === key));
            if (username === null && key === null) throw v1Error(400, 'username or key is required');
            if (!user) throw v1Error(404, `No user found with ${username !== null ? `username: ${username}` : `key: ${key}`}`);
            return sendJson(res, record, 200, v1User(user.accountId));
          }
          const accountId = parsedUrl.searchParams.get('accountId');
          if (!accountId) throw v1Error(400, 'com.atlassian.confluence.api.service.exceptions.BadRequestException: accountId is required');
          if (!userById(accountId)) throw v1Error(404, `com.atlassian.confluence.api.service.exceptions.NotFoundException: No user found with accountId : ${accountId}`);
          return sendJson(res, record, 200, v1User(accountId));
        }
        case 'currentUser':
          return sendJson(res, record, 200, v1User(acting.accountId));
        case 'v2.page':
          return sendJson(res, record, 200, v2Page(id!, parsedUrl.searchParams, acting));
        case 'v2.pageAncestors':
          return sendJson(res, record, 200, v2PageAncestors(id!, acting));
        case 'v2.pageVersions': {
          const { body: out, linkHeader } = v2PageVersions(id!, parsedUrl.searchParams, acting);
          return sendJson(res, record, 200, out, linkHeader ? { link: linkHeader } : {});
        }
        case 'v2.pages': {
          const { body: out, linkHeader } = v2Pages(parsedUrl.searchParams, acting);
          return sendJson(res, record, 200, out, linkHeader ? { link: linkHeader } : {});
        }
        case 'v2.spaces': {
          const { body: out, linkHeader } = v2Spaces(parsedUrl.searchParams);
          return sendJson(res, record, 200, out, linkHeader ? { link: linkHeader } : {});
        }
        default:
          throw v2 ? v2Error(404, 'NOT_FOUND', 'Not Found') : v1Error(404, `No route for ${method} ${path}`);
      }
    } catch (error) {
      if (error instanceof HttpError) return sendJson(res, record, error.status, error.body);
      return sendJson(res, record, 500, { statusCode: 500, message: 'stub failure' });
    }
  };

  const server = http.createServer((req, res) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        inFlight -= 1;
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"statusCode":500,"message":"stub failure"}');
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  base = `${url}${context}`;

  return {
    url,
    base,
    site,
    requests,
    get latencyMs() {
      return latencyMs;
    },
    set latencyMs(value: number) {
      latencyMs = value;
    },
    failNext(n: number, fault: StubFault) {
      if (n > 0) faults.push({ fault, remaining: n });
    },
    clearFaults() {
      faults.length = 0;
    },
    clearRequests() {
      requests.length = 0;
      peakInFlight = inFlight;
    },
    get inFlight() {
      return inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    count(route?: StubRoute) {
      return route === undefined ? requests.length : requests.filter((r) => r.route === route).length;
    },
    cqlSent() {
      return requests.filter((r) => r.route === 'search' || r.route === 'searchUser' || r.route === 'contentSearch').map((r) => r.query.get('cql') ?? '');
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
