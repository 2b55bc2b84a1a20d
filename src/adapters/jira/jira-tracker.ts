/**
 * `IssueTracker` on Jira through jira.js 6.2: Cloud (REST v3, ADF descriptions) or Data Center
 * (REST v2, `deployment: 'datacenter'`: personal access token or username/password, the label
 * search on `/rest/api/2/search`, the description sent as wiki-markup text).
 *
 * Exactly-once is the point of this file. A create is re-sent only when Jira certainly did not
 * process the previous attempt (429, connection refused); after any *ambiguous* failure
 * (timeout, reset connection, 5xx) the adapter first searches for the draft's idempotency
 * label and returns the issue it finds. Limits worth knowing:
 * - jira.js cannot abort a request, so a timed-out create may still land later; Jira's search
 *   index may also lag a fresh create by a moment. The pause before each recovery lookup
 *   narrows both windows but cannot close them; the label makes any duplicate findable.
 * - Across process crashes the caller must call `findByIdempotencyLabel` before creating again
 *   for a draft whose previous attempt has no recorded result.
 */
import { createCloudClient } from 'jira.js';
import { createClient, type Client, type SendRequestOptions } from 'jira.js/core';
import type { AdfDocument, CreatedIssue, IssueRequest, IssueTracker } from '../issue-tracker.js';
import { authorizationHeader, type DataCenterAuth } from '../confluence/dc-transport.js';
import { adfToWikiMarkup } from './adf-to-wiki.js';
import { InvalidInputError, StewardError, UpstreamError } from '../../errors.js';
import { defaultSleep, withRetry, type RetryDecision } from '../retry.js';
import {
  classifyFailure,
  describeJiraBody,
  isApiError,
  isAuthError,
  isForbiddenError,
  JiraTimeoutError,
  retryAfterMsOf,
  type Settlement,
  summarizeFailure,
  UnreadableCreateResponseError,
} from './jira-errors.js';
import { assertProjectKey, idempotencyLabelJql, idempotencyLabelOf } from './jql.js';

export type JiraTrackerConfig = (
  | { deployment?: 'cloud'; email: string; apiToken: string }
  /** Jira Data Center 8.14+ (PAT) or any version (username/password); the base URL may carry a context path. */
  | { deployment: 'datacenter'; auth: DataCenterAuth }
) &
  JiraTransportOptions;

/** What Cloud and Data Center trackers share. */
export interface JiraTransportOptions {
  /** Site URL, e.g. `https://example.atlassian.net` or `https://example.com/jira` (no `/rest/...` suffix). */
  baseUrl: string;
  /** Per HTTP request. Default 15 000 ms. */
  timeoutMs?: number;
  retry?: Partial<{ attempts: number; baseDelayMs: number; maxDelayMs: number }>;
  /** Injected in tests to record (and skip) waits. */
  sleep?: (ms: number) => Promise<void>;
  /** What jira.js does when a response does not match its schema. Default `'warn'` (to stderr). */
  onSchemaMismatch?: 'warn' | 'silent' | 'throw';
  /** Observability hook, called before each wait. */
  onRetry?: (event: { operation: 'create' | 'search'; attempt: number; delayMs: number; reason: string }) => void;
}

const DEFAULTS = { timeoutMs: 15_000, attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 } as const;
/** Never promise an agent a wait longer than this, whatever Retry-After said. */
const MAX_ADVERTISED_RETRY_AFTER_S = 3600;

/** Lookup during create-recovery failed: we cannot tell whether the issue exists. */
class RecoveryLookupError extends Error {
  constructor(
    readonly lookupError: unknown,
    readonly sendError: unknown,
  ) {
    super('recovery lookup failed');
  }
}

export function createJiraTracker(config: JiraTrackerConfig): IssueTracker {
  const baseUrl = validateConfig(config);
  const dataCenter = config.deployment === 'datacenter';
  const timeoutMs = config.timeoutMs ?? DEFAULTS.timeoutMs;
  const attempts = Math.max(1, Math.floor(config.retry?.attempts ?? DEFAULTS.attempts));
  const baseDelayMs = Math.max(0, config.retry?.baseDelayMs ?? DEFAULTS.baseDelayMs);
  const maxDelayMs = Math.max(0, config.retry?.maxDelayMs ?? DEFAULTS.maxDelayMs);
  const sleep = config.sleep ?? defaultSleep;

  // jira.js's own retry stays at one attempt: only this adapter decides whether a create is re-sent.
  let inner: Client;
  try {
    inner = createClient({
      host: baseUrl,
      // Data Center: jira.js's basic auth wants an email, so the header is set directly (a PAT is Bearer).
      ...(dataCenter ? { headers: { Authorization: authorizationHeader(config.auth) } } : { auth: { type: 'basic', email: config.email, apiToken: config.apiToken } }),
      retry: { maxAttempts: 1 },
      onSchemaMismatch: config.onSchemaMismatch ?? 'warn',
    });
  } catch {
    // jira.js validates the config with zod (stricter e-mail and URL rules than ours).
    throw new InvalidInputError('The Jira configuration was rejected: check that the base URL is a site URL and the email is the account e-mail address.');
  }
  // jira.js accepts any `Client`; this one adds the per-request timeout jira.js lacks.
  const client: Client = {
    sendRequest<T>(options: SendRequestOptions<T>): Promise<T> {
      return withTimeout(inner.sendRequest(options), timeoutMs, `${options.method ?? 'GET'} ${options.url}`);
    },
  };
  const jira = createCloudClient(client);

  /** Data Center has no enhanced search: REST v2 `GET /rest/api/2/search` (startAt/maxResults). */
  const search = (jql: string) =>
    dataCenter
      ? client.sendRequest<{ issues?: Array<{ id?: unknown; key?: unknown; fields?: { labels?: unknown } }> }>({
          url: '/rest/api/2/search',
          method: 'GET',
          searchParams: { jql, fields: 'summary,labels', maxResults: 10 },
        })
      : jira.issueSearch.searchAndReconsileIssuesUsingJql({ jql, fields: ['summary', 'labels'], maxResults: 10 });

  /**
   * Data Center may serve a wrong PAT as anonymous (200, `X-Seraph-LoginReason: AUTHENTICATED_FAILED`);
   * an anonymous label search finds nothing and would invite a duplicate. `/myself` is 401 for
   * anonymous, so it is asked once before the first search or create; a failure is not cached.
   */
  let verified: Promise<unknown> | undefined;
  const ensureLoggedIn = async () => {
    if (!dataCenter) return;
    verified ??= client.sendRequest({ url: '/rest/api/2/myself', method: 'GET' });
    try {
      await verified;
    } catch (error) {
      verified = undefined;
      throw error;
    }
  };

  const retryOptions = (operation: 'create' | 'search', classify: (error: unknown) => RetryDecision) => ({
    attempts,
    baseDelayMs,
    maxDelayMs,
    sleep,
    classify,
    onRetry: (error: unknown, attempt: number, delayMs: number) =>
      config.onRetry?.({ operation, attempt, delayMs, reason: summarizeFailure(error) }),
  });

  /** The label search with retries; throws jira.js errors unchanged. */
  async function searchByLabel(label: string, projectKey: string, stats = { sent: 0 }): Promise<CreatedIssue | undefined> {
    const jql = idempotencyLabelJql(label, projectKey); // throws InvalidInputError before any request
    const result = await withRetry(
      async () => {
        stats.sent += 1;
        await ensureLoggedIn();
        return search(jql);
      },
      retryOptions('search', (error) => {
        // Reads are always safe to repeat.
        const kind = classifyFailure(error);
        if (kind === 'rate-limited') return { retry: true, afterMs: retryAfterMsOf(error) };
        return { retry: kind === 'ambiguous' || kind === 'not-sent' };
      }),
    );
    for (const issue of result.issues ?? []) {
      if (typeof issue.id !== 'string' || typeof issue.key !== 'string') continue;
      const labels: unknown = issue.fields?.labels;
      // Defence in depth: only an issue that really carries the label counts.
      if (Array.isArray(labels) && !labels.includes(label)) continue;
      return { id: issue.id, key: issue.key, url: browseUrl(baseUrl, issue.key) };
    }
    return undefined;
  }

  async function findByIdempotencyLabel(label: string, projectKey: string): Promise<CreatedIssue | undefined> {
    const stats = { sent: 0 };
    try {
      return await searchByLabel(label, projectKey, stats);
    } catch (error) {
      throw toUpstreamError(error, { action: 'search', attempts: stats.sent, projectKey, label, dataCenter });
    }
  }

  async function createIssue(request: IssueRequest): Promise<CreatedIssue> {
    assertProjectKey(request.projectKey);
    const label = idempotencyLabelOf(request.labels);
    assertAdf(request.description);
    const fields = {
      project: { key: request.projectKey },
      issuetype: { name: request.issueType },
      summary: request.summary,
      // A string description makes jira.js post to REST v2, the only version Data Center has.
      description: dataCenter ? adfToWikiMarkup(request.description) : request.description,
      labels: [...request.labels],
    };

    // Set after a failure that may have created the issue; the next attempt looks first.
    let lookBeforeSending = false;
    // Cleared when the issue certainly or possibly still lands without us: a 2xx we could not
    // read, or a request still in flight after its timeout. Then we look, but never re-send.
    let mayResend = true;
    let stillInFlight = false;
    // Set when looking found nothing and re-sending is not allowed: stop retrying.
    let stop = false;
    let checkedLabel = false;
    let sent = 0;
    let lastSendError: unknown;

    const lookUp = async (): Promise<CreatedIssue | undefined> => {
      try {
        const existing = await searchByLabel(label, request.projectKey);
        checkedLabel = true;
        return existing;
      } catch (lookupError) {
        throw new RecoveryLookupError(lookupError, lastSendError);
      }
    };

    const readCreated = (created: { id?: unknown; key?: unknown } | undefined): CreatedIssue => {
      if (typeof created?.id !== 'string' || typeof created.key !== 'string') {
        throw new UnreadableCreateResponseError('no issue id or key');
      }
      return { id: created.id, key: created.key, url: browseUrl(baseUrl, created.key) };
    };

    /** One create request. A timed-out request gets one more `timeoutMs` to answer late. */
    const sendOnce = async (): Promise<CreatedIssue> => {
      await ensureLoggedIn();
      sent += 1;
      try {
        return readCreated(await jira.issues.createIssue({ fields: fields as Parameters<typeof jira.issues.createIssue>[0]['fields'] }));
      } catch (error) {
        if (!(error instanceof JiraTimeoutError)) throw error;
        const late = await settleWithin(error.late, timeoutMs);
        if (late === undefined) {
          stillInFlight = true;
          throw error;
        }
        if (late.state === 'rejected') throw late.reason;
        return readCreated(late.value as { id?: unknown; key?: unknown });
      }
    };

    try {
      return await withRetry(
        async () => {
          if (lookBeforeSending) {
            const existing = await lookUp();
            if (existing) return existing;
            lookBeforeSending = false;
            if (!mayResend) {
              stop = true;
              throw lastSendError;
            }
          }
          try {
            return await sendOnce();
          } catch (error) {
            lastSendError = error;
            const kind = classifyFailure(error);
            if (kind === 'ambiguous' || kind === 'answered') lookBeforeSending = true;
            // Policy: never two creates in flight for one draft, never a re-send after a 2xx.
            if (kind === 'answered' || stillInFlight) mayResend = false;
            throw error;
          }
        },
        retryOptions('create', (error) => {
          if (stop || error instanceof RecoveryLookupError) return { retry: false };
          const kind = classifyFailure(error);
          if (kind === 'rate-limited') return { retry: true, afterMs: retryAfterMsOf(error) };
          // Ambiguous failures are retried only through the lookup at the top of the next attempt.
          return { retry: kind === 'ambiguous' || kind === 'not-sent' || kind === 'answered' };
        }),
      );
    } catch (error) {
      const context = { action: 'create', attempts: sent, projectKey: request.projectKey, label, dataCenter } as const;
      if (error instanceof RecoveryLookupError) {
        throw toUpstreamError(error.sendError, { ...context, stillInFlight, lookupFailure: error.lookupError });
      }
      // The last attempt may itself have created the issue: one final look before giving up.
      if (lookBeforeSending) {
        let existing: CreatedIssue | undefined;
        try {
          existing = await searchByLabel(label, request.projectKey);
          checkedLabel = true;
        } catch (lookupError) {
          throw toUpstreamError(error, { ...context, stillInFlight, lookupFailure: lookupError });
        }
        if (existing) return existing;
      }
      throw toUpstreamError(error, { ...context, stillInFlight, checkedLabel });
    }
  }

  return { kind: 'jira', findByIdempotencyLabel, createIssue };
}

function validateConfig(config: JiraTrackerConfig): string {
  let url: URL;
  try {
    url = new URL(config.baseUrl);
  } catch {
    throw new InvalidInputError(`Jira base URL ${JSON.stringify(config.baseUrl)} is not a URL; expected e.g. https://example.atlassian.net.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInputError(`Jira base URL must use https (or http for a local test server), got ${url.protocol}`);
  }
  if (config.deployment === 'datacenter') {
    const secret = config.auth.type === 'bearer' ? config.auth.token : config.auth.password;
    if (secret.trim() === '') throw new InvalidInputError('The Jira Data Center personal access token (or password) is empty.');
  } else {
    if (!/^[^\s@]+@[^\s@]+$/.test(config.email)) {
      throw new InvalidInputError('Jira email must be the Atlassian account email address that owns the API token.');
    }
    if (config.apiToken.trim() === '') throw new InvalidInputError('Jira API token is empty.');
  }
  if (config.timeoutMs !== undefined && !(config.timeoutMs > 0)) throw new InvalidInputError('Jira timeoutMs must be positive.');
  return config.baseUrl.replace(/\/+$/, '');
}

function attemptsText(count: number): string {
  return count === 1 ? '1 attempt' : `${count} attempts`;
}

function browseUrl(baseUrl: string, key: string): string {
  return `${baseUrl}/browse/${encodeURIComponent(key)}`;
}

// Policy: a non-ADF description is refused here; jira.js would silently send a string to REST v2.
function assertAdf(description: AdfDocument): void {
  if (typeof description !== 'object' || description === null || description.type !== 'doc' || description.version !== 1 || !Array.isArray(description.content)) {
    throw new InvalidInputError('The issue description must be an Atlassian Document Format document ({type:"doc", version:1, content:[…]}).');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  const late: Promise<Settlement<unknown>> = promise.then(
    (value) => ({ state: 'fulfilled', value }),
    (reason: unknown) => ({ state: 'rejected', reason }),
  );
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new JiraTimeoutError(operation, ms, late)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** The settlement of `late` if it arrives within `ms`, else undefined. */
async function settleWithin<T>(late: Promise<Settlement<T>>, ms: number): Promise<Settlement<T> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([late, expired]);
  } finally {
    clearTimeout(timer);
  }
}

interface FailureContext {
  action: 'create' | 'search';
  attempts: number;
  projectKey: string;
  label: string;
  /** The create path looked for the label after an ambiguous failure and found nothing. */
  checkedLabel?: boolean;
  /** The last create request timed out and had still not answered when we gave up. */
  stillInFlight?: boolean;
  lookupFailure?: unknown;
  dataCenter?: boolean;
}

/** The one place a Jira failure becomes a message a person (or agent) can act on. */
function toUpstreamError(error: unknown, context: FailureContext): Error {
  if (error instanceof StewardError) return error;
  // Not a Jira or transport failure: a bug. Surface it unchanged.
  if (classifyFailure(error) === 'unknown' && context.lookupFailure === undefined) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const { action, projectKey, label } = context;
  const what = action === 'create' ? `create the issue in ${projectKey}` : `search ${projectKey} for ${label}`;

  if (context.lookupFailure !== undefined) {
    return new UpstreamError(
      `Jira did not confirm the issue (${summarizeFailure(error)}) and the check for an existing issue labelled ${label} failed too (${summarizeFailure(context.lookupFailure)}). ` +
        `The issue may or may not exist in ${projectKey}. Retrying the approval later is safe: the server looks for that label before creating again.`,
    );
  }
  if (isAuthError(error)) {
    return new UpstreamError(
      `Jira rejected the credentials (HTTP 401) while trying to ${what}. Check the configured Jira ${context.dataCenter ? 'personal access token (JIRA_PERSONAL_TOKEN, or JIRA_USERNAME and JIRA_PASSWORD)' : 'email and API token'} (tokens expire or are revoked); nothing was created.`,
    );
  }
  if (isForbiddenError(error)) {
    const detail = describeJiraBody(error.body);
    return new UpstreamError(
      `The Jira account is not allowed to ${what} (HTTP 403${detail ? `: ${detail}` : ''}). Grant it the Browse projects and Create issues permissions in ${projectKey}, or choose another project; nothing was created.`,
    );
  }
  const kind = classifyFailure(error);
  if (kind === 'rate-limited') {
    const afterMs = retryAfterMsOf(error);
    const seconds = afterMs !== undefined ? Math.min(Math.ceil(afterMs / 1000), MAX_ADVERTISED_RETRY_AFTER_S) : undefined;
    return new UpstreamError(
      `Jira is rate limiting requests (HTTP 429) and still refused after ${attemptsText(context.attempts)}; ${action === 'create' ? 'nothing was created' : 'the search did not run'}. ` +
        `Try again ${seconds !== undefined ? `in ${seconds} s` : 'in a minute'}.`,
      seconds,
    );
  }
  if (kind === 'rejected' && isApiError(error)) {
    const detail = describeJiraBody(error.body) ?? `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
    if (action === 'create') {
      return new UpstreamError(`Jira rejected the issue: ${detail}. Nothing was created; fix the draft (project, issue type, summary, labels) and approve it again.`);
    }
    return new UpstreamError(`Jira rejected the search for ${label} in ${projectKey}: ${detail}.`);
  }
  if (action === 'search') {
    return new UpstreamError(
      `Jira search for ${label} in ${projectKey} failed after ${attemptsText(context.attempts)} (last error: ${summarizeFailure(error)}). Try again later.`,
    );
  }
  if (kind === 'not-sent') {
    return new UpstreamError(
      `Could not reach Jira to ${what} after ${attemptsText(context.attempts)} (${summarizeFailure(error)}); nothing was sent. Check the Jira base URL and network, then approve again.`,
    );
  }
  if (kind === 'ambiguous' || kind === 'answered') {
    return new UpstreamError(
      `Jira did not confirm the issue after ${attemptsText(context.attempts)} (last error: ${summarizeFailure(error)}). ` +
        `${context.checkedLabel ? `No issue labelled ${label} was found in ${projectKey} afterwards. ` : ''}` +
        `${context.stillInFlight ? 'The last request had still not been answered, so it was not sent again (Jira may yet create the issue). ' : ''}` +
        `Retrying the approval is safe: the server looks for that label before creating again.`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}
