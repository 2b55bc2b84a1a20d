import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reviewerTokenProblems } from '../../policies/draft-rules.js';
import type { PolicyGate } from '../../policies/gate.js';
import type { Identity } from '../domain/types.js';
import { StewardError } from '../errors.js';
import type { Runtime } from '../runtime.js';
import { DraftNotFoundError } from '../services/drafts/draft-service.js';
import type { JiraDraftPayload } from '../services/drafts/jira-issue.js';
import { gateLookups } from '../services/report/lookups.js';
import { type ReportLookups, auditTrail, buildTrustReport } from '../services/report/trust-report.js';
import { type Services, servicesFor } from '../services/services.js';
import { type ConsoleToken, CsrfTokens, isLoopbackHost, matchToken, presentedToken } from './auth.js';
import { draftPage } from './draft-page.js';
import { html } from './html.js';
import { type Flash, page } from './layout.js';
import { applyAge, queueFilterFrom, queuePage } from './queue-page.js';
import { reportPage, reportQueryFrom } from './report-page.js';

export interface ConsoleOptions {
  runtime: Runtime;
  /** Defaults to services over the runtime's database, audit log and issue tracker. */
  services?: Services;
  /** Interface to listen on; 127.0.0.1 by default. Anything but loopback needs `tokens`. */
  host?: string;
  /** 3334 by default; 0 picks a free port. */
  port?: number;
  /** Without `tokens`: the one reviewer this console acts for (loopback only). */
  reviewer?: Identity;
  /** Reviewer authentication: hashed tokens, only role reviewer may sign in. */
  tokens?: readonly ConsoleToken[];
  log?: (line: string) => void;
}

export interface ConsoleHandle {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const LOOKUP_TTL_MS = 5 * 60_000;

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // Not no-referrer: with it, browsers send `Origin: null` on form posts and the origin check could not tell ours apart.
  'Referrer-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * The reviewer console: server-rendered pages over node:http, no script, no external assets.
 * Every decision goes through DraftService with the reviewer's gate (four eyes, audit); every
 * POST needs this process's CSRF token for that reviewer and a same-origin Origin (or none).
 */
export async function startConsole(options: ConsoleOptions): Promise<ConsoleHandle> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  const tokens = options.tokens;
  if (!loopback && !tokens) {
    throw new Error(`refusing to listen on ${host} without reviewer authentication: give a tokens file (--tokens FILE or STEWARD_TOKENS), or use 127.0.0.1`);
  }
  if (tokens && !tokens.some((entry) => entry.role === 'reviewer')) throw new Error('the tokens file has no token with role reviewer; nobody could sign in');
  if (!tokens && !options.reviewer) throw new Error('without a tokens file the console needs the reviewer identity: --as REVIEWER');

  const { runtime } = options;
  const services = options.services ?? servicesFor(runtime);
  const log = options.log ?? (() => {});
  const csrf = new CsrfTokens();
  const flashes = new Map<string, { flash: Flash; user: string; expires: number }>();
  const lookups = new Map<string, ReportLookups>();
  const names = new Map<string, Promise<string | undefined>>();

  // Every token's user must be a person the source knows, resolved once to a canonical
  // identity: an unknown name refuses the start instead of becoming a reviewer as written.
  const tokenIdentities = new Map<string, Identity>();
  if (tokens) {
    const unknown: string[] = [];
    for (const entry of tokens) {
      if (entry.role !== 'reviewer') continue;
      const found = await runtime.source.findUser(entry.user).catch(() => undefined);
      if (found) tokenIdentities.set(entry.tokenSha256, { accountId: found.accountId, displayName: found.displayName, email: found.email, groups: found.groups });
      else unknown.push(JSON.stringify(entry.user));
    }
    if (unknown.length > 0) throw new Error(`the tokens file names reviewers the source does not know: ${unknown.join(', ')}`);
    const disagreements = reviewerTokenProblems(runtime.policy, [...tokenIdentities.values()]);
    if (disagreements.length > 0) throw new Error(`the tokens file and the policy disagree: ${disagreements.join('; ')}`);
  }

  // Executions whose process died are finished first (their approval already happened), by a
  // reviewer the policy names; with tokens, by the first reviewer who opens the queue.
  const reconcile = async (gate: PolicyGate) => {
    const { reports, refused } = await services.review.reconcile(gate);
    for (const report of reports) log(`reconciled draft ${report.draft.id}: ${report.message}`);
    if (refused) log(`interrupted executions left for another reviewer: ${refused}`);
  };
  if (options.reviewer) await reconcile(runtime.gateFor(options.reviewer, 'reviewer'));

  const displayName = (gate: PolicyGate, accountId: string): Promise<string | undefined> => {
    let name = names.get(accountId);
    if (!name) {
      name = gate.displayNameOf(accountId).catch(() => undefined);
      names.set(accountId, name);
    }
    return name;
  };

  async function authenticate(req: IncomingMessage): Promise<Identity> {
    if (!tokens) return options.reviewer!;
    const entry = matchToken(tokens, presentedToken(req.headers.authorization));
    if (!entry) throw new HttpError(401, 'Sign in with your reviewer token.', { 'WWW-Authenticate': 'Basic realm="confluence-steward review", charset="UTF-8"' });
    if (entry.role !== 'reviewer') throw new HttpError(403, 'Only reviewers may use the review console.');
    const identity = tokenIdentities.get(entry.tokenSha256);
    if (!identity) throw new HttpError(403, 'Only reviewers may use the review console.');
    return identity;
  }

  /** DNS rebinding: on loopback, only requests addressed to this machine by name or address. */
  function checkHost(req: IncomingMessage, port: number): void {
    if (!loopback) return;
    const given = (req.headers.host ?? '').toLowerCase();
    const allowed = ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host].map((name) => `${name}:${port}`);
    if (!allowed.includes(given)) throw new HttpError(421, 'This console only answers requests addressed to the local machine.');
  }

  /** Cross-site requests: Origin (or Referer) must be this console; Fetch Metadata must not say cross-site. */
  function checkOrigin(req: IncomingMessage): void {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new HttpError(403, 'Cross-site request refused.');
    const origin = req.headers.origin ?? refererOrigin(req.headers.referer);
    if (origin === undefined) return;
    const hostHeader = req.headers.host;
    if (!hostHeader || (origin !== `http://${hostHeader}` && origin !== `https://${hostHeader}`)) throw new HttpError(403, 'Cross-origin request refused.');
  }

  function setFlash(user: string, flash: Flash): string {
    const id = randomBytes(9).toString('base64url');
    const now = Date.now();
    for (const [key, value] of flashes) if (value.expires < now || flashes.size > 500) flashes.delete(key);
    flashes.set(id, { flash, user, expires: now + 120_000 });
    return id;
  }

  function takeFlash(user: string, id: string | null): Flash | undefined {
    if (!id) return undefined;
    const entry = flashes.get(id);
    if (!entry || entry.user !== user || entry.expires < Date.now()) return undefined;
    flashes.delete(id);
    return entry.flash;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
    checkHost(req, port);
    const reviewer = await authenticate(req);
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const gate = runtime.gateFor(reviewer, 'reviewer');
    const now = new Date();
    const flash = takeFlash(reviewer.accountId, url.searchParams.get('flash'));
    const reviewerName = `${reviewer.displayName}${reviewer.accountId !== reviewer.displayName ? ` (${reviewer.accountId})` : ''}`;

    if (method === 'GET' && url.pathname === '/') {
      if (tokens) await reconcile(gate);
      const filter = queueFilterFrom(url.searchParams);
      const { drafts: listed, hidden } = await services.review.list(
        gate,
        stripUndefined({ status: filter.status === 'all' ? undefined : filter.status, kind: filter.kind, space: filter.space, drafter: filter.drafter, limit: 200 }),
        'review_console',
      );
      const facets = await services.review.facets(gate);
      const spaces = [...new Set([...runtime.policy.draft.spaces, ...facets.spaces])].sort();
      const body = queuePage({ drafts: applyAge(listed, filter.age, now), hidden, filter, counts: facets.counts, spaces, drafters: facets.drafters, now });
      return send(res, 200, page({ title: 'Review queue', reviewer: reviewerName, active: 'queue', flash, body }));
    }

    if (method === 'GET' && url.pathname === '/report') {
      const query = reportQueryFrom(url.searchParams);
      let lookup = lookups.get(reviewer.accountId);
      if (!lookup) lookups.set(reviewer.accountId, (lookup = gateLookups(gate, 'trust_report', LOOKUP_TTL_MS)));
      const report = await buildTrustReport(
        runtime.shared.reports,
        { now, sinceDays: query.days, audit: { actor: query.actor, action: query.action, decision: query.decision, draftId: query.draftId, limit: 200 } },
        lookup,
      );
      return send(res, 200, page({ title: 'Trust report', reviewer: reviewerName, active: 'report', flash, body: reportPage(report, query) }));
    }

    const match = /^\/drafts\/(\d{1,12})(?:\/(approve|reject|edit))?$/.exec(url.pathname);
    if (match) {
      const id = Number(match[1]);
      if (method === 'GET' && !match[2]) {
        const { draft, revisions, outbox } = await services.review.show(gate, id, 'review_console');
        const audit = (await auditTrail(runtime.shared.reports, '', { draftId: id, limit: 100 })).rows;
        const people = new Map<string, string>([[draft.drafter, draft.drafterName]]);
        for (const accountId of new Set([...revisions.map((r) => r.author), ...audit.map((r) => r.actor), ...(draft.decidedBy ? [draft.decidedBy] : [])])) {
          if (people.has(accountId)) continue;
          const name = await displayName(gate, accountId);
          if (name) people.set(accountId, name);
        }
        for (const row of audit) row.actorName ??= people.get(row.actor) ?? null;
        const body = draftPage({
          draft,
          revisions,
          outbox,
          blockers: services.drafts.blockers(draft),
          editorsMayApprove: runtime.policy.review.editorsMayApprove,
          audit,
          reviewer,
          csrf: csrf.tokenFor(reviewer.accountId),
          projects: runtime.policy.jira.projects,
          issueTypes: runtime.policy.jira.issueTypes,
          names: people,
          now,
        });
        return send(res, 200, page({ title: `Draft #${id}`, reviewer: reviewerName, active: 'draft', flash, body }));
      }
      if (req.method === 'POST' && match[2]) {
        checkOrigin(req);
        const form = await readForm(req);
        if (!csrf.verify(reviewer.accountId, form.get('_csrf'))) throw new HttpError(403, 'This form has expired or did not come from the console. Reload the page and try again.');
        const outcome = await decide(match[2] as 'approve' | 'reject' | 'edit', id, form, gate);
        log(`${reviewer.accountId} ${match[2]} draft ${id}: ${outcome.text}`);
        const target = `/drafts/${id}?flash=${setFlash(reviewer.accountId, outcome)}`;
        res.writeHead(303, { ...SECURITY_HEADERS, Location: target, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`See ${target}\n`);
        return;
      }
    }

    if (url.pathname === '/' || url.pathname === '/report' || match) throw new HttpError(405, 'Method not allowed.', { Allow: match?.[2] ? 'POST' : 'GET, HEAD' });
    throw new HttpError(404, 'There is no such page.');
  }

  async function decide(action: 'approve' | 'reject' | 'edit', id: number, form: URLSearchParams, gate: PolicyGate): Promise<Flash> {
    try {
      const { draft } = await services.review.show(gate, id, 'review_console');
      // The reviewer decides on what they saw: the form names the revision it showed.
      const seenText = form.get('revision');
      const seen = Number(seenText);
      if (seenText === null || !Number.isSafeInteger(seen) || seen <= 0) {
        return { kind: 'error', text: 'This form does not say which revision you reviewed. Reload the draft and try again.' };
      }
      if (seen !== draft.revision) {
        // The page shown next has every revision's diff: what changed is right there.
        return { kind: 'error', text: `Draft #${id} changed since you opened it (now revision ${draft.revision}). Review the changes below before deciding.` };
      }
      if (action === 'approve') {
        // The service checks the revision again inside the approving transaction.
        const report = await services.review.approve(gate, { draftId: id, revision: seen });
        const ok = report.draft.status === 'executed' || report.draft.status === 'executing';
        return { kind: ok ? 'ok' : 'error', text: `${draft.status === 'failed' ? 'Retried' : 'Approved'}. ${report.message}` };
      }
      if (action === 'reject') {
        const reason = (form.get('reason') ?? '').trim();
        if (reason.length < 3) return { kind: 'error', text: 'A reason of at least 3 characters is required to reject.' };
        await services.review.reject(gate, { draftId: id, reason });
        return { kind: 'ok', text: `Rejected draft #${id}. The reason is kept with the draft.` };
      }
      const note = form.get('note')?.trim() || undefined;
      if (draft.kind !== 'jira') {
        const text = form.get('rule')?.trim();
        if (!text) return { kind: 'error', text: 'Paste the edited rule JSON to save a new revision.' };
        let rule: unknown;
        try {
          rule = JSON.parse(text);
        } catch {
          return { kind: 'error', text: 'The rule is not valid JSON.' };
        }
        const edited = await services.review.edit(gate, stripUndefined({ draftId: id, rule, note }));
        return { kind: 'ok', text: `Saved as revision ${edited.revision}.` };
      }
      const current = draft.payload as JiraDraftPayload;
      const changes: Record<string, unknown> = {};
      const summary = form.get('summary')?.trim();
      const gap = form.get('gap')?.replace(/\r\n/g, '\n').trim();
      const labels = form.get('labels')?.split(',').map((l) => l.trim().toLowerCase()).filter(Boolean);
      if (summary !== undefined && summary !== current.summary) changes.summary = summary;
      if (gap !== undefined && gap !== current.gap) changes.description = gap;
      if (labels !== undefined && [...new Set(labels)].sort().join(',') !== current.labels.join(',')) changes.labels = labels;
      const projectKey = form.get('projectKey')?.trim();
      if (projectKey && projectKey !== current.projectKey) changes.projectKey = projectKey;
      const issueType = form.get('issueType')?.trim();
      if (issueType && issueType !== current.issueType) changes.issueType = issueType;
      if (Object.keys(changes).length === 0) return { kind: 'error', text: 'Nothing changed, so no revision was saved.' };
      const edited = await services.review.edit(gate, stripUndefined({ draftId: id, ...changes, note }));
      return { kind: 'ok', text: `Saved as revision ${edited.revision}.` };
    } catch (error) {
      if (error instanceof DraftNotFoundError) throw new HttpError(404, error.message);
      if (error instanceof StewardError) return { kind: 'error', text: `Refused: ${error.message}` };
      throw error;
    }
  }

  const server = createServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    handle(req, res, port).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) return fail(res, error.status, error.message, error.headers);
      if (error instanceof DraftNotFoundError) return fail(res, 404, error.message);
      // A refusal or bad filter from the reviewer operations: say why, briefly, instead of a 500.
      if (error instanceof StewardError) return fail(res, error.code === 'policy_denied' ? 403 : 400, error.message.slice(0, 500));
      log(`console error: ${(error as Error)?.stack ?? String(error)}`);
      fail(res, 500, 'Something went wrong; the error was logged.');
    });
  });
  server.keepAliveTimeout = 5_000;
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3334, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
}

function fail(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><title>${String(status)} · confluence-steward review</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1f24}a{color:#0b57d0}</style></head>
<body><h1>${message}</h1><p><a href="/">Back to the queue</a></p></body></html>`}`;
  send(res, status, body, headers);
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'Forms only: application/x-www-form-urlencoded.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'The form is too large.');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
