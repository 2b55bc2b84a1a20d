/**
 * Builds the confluence.js v1 and v2 clients on one transport that adds what the library leaves
 * out: a per-request timeout, bounded concurrency, retries (429 with Retry-After, 500/502/503/504,
 * network failures, timeouts and incomplete replies) and errors an agent can act on.
 *
 * Why a wrapper and not the library's own knobs: confluence.js 3.2 calls the global `fetch` with no
 * AbortSignal, timeout or custom-fetch hook, retries only 502/503/504 and network errors (never 429,
 * never 500), and does not expose response headers on its errors (only `RateLimitError.retryAfterMs`).
 * `createV1Client`/`createV2Client` accept any object with `sendRequest`, so we hand them a client
 * whose `sendRequest` wraps the library's own (which still does auth, URL building, error typing and
 * zod validation).
 */
import { createClient, type Client, type SendRequestOptions } from 'confluence.js/core';
import {
  createV1Client,
  createV2Client,
  isApiError,
  isAuthError,
  isForbiddenError,
  isNetworkError,
  isNotFoundError,
  isRateLimitError,
  isSchemaMismatchError,
  isServerError,
  type V1Client,
  type V2Client,
} from 'confluence.js';
import { StewardError, UpstreamError } from '../../errors.js';
import { defaultSleep, withRetry, type RetryDecision } from '../retry.js';
import { createLimiter } from './limiter.js';

export interface RetryTuning {
  /** Total attempts including the first. */
  attempts: number;
  baseDelayMs: number;
  /** Cap for any single wait. A Retry-After longer than this is not waited out: the call fails at once. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryTuning = { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000 };
export const DEFAULT_TIMEOUT_MS = 15_000;
/** Requests in flight per source: enough for one answer's page fetches in a single round. */
export const DEFAULT_CONCURRENCY = 6;

export interface ConfluenceClientConfig {
  /** Site URL, e.g. `https://example.atlassian.net` (a trailing `/wiki` is accepted and dropped). */
  baseUrl: string;
  email: string;
  apiToken: string;
  /** Per attempt. */
  timeoutMs?: number;
  retry?: Partial<RetryTuning>;
  /** Requests in flight at once, across everything this client does. */
  concurrency?: number;
  /** Injected by tests so retries do not really wait. */
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface ConfluenceClients {
  v1: V1Client;
  v2: V2Client;
  /** `https://site.atlassian.net` without `/wiki`. */
  siteUrl: string;
}

/** A request that got no answer in time. Internal: always turned into an UpstreamError. */
export class ConfluenceTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'ConfluenceTimeoutError';
  }
}

/**
 * A reply that ended before its body was complete (fewer bytes than its Content-Length, the
 * connection closed mid-body), or a success with no body where the endpoint promises JSON.
 * Internal: retried like a 5xx, then turned into an UpstreamError.
 */
export class ConfluenceIncompleteReplyError extends Error {
  constructor() {
    super('incomplete or empty reply');
    this.name = 'ConfluenceIncompleteReplyError';
  }
}

/**
 * Node's fetch (undici) reports a body cut short while confluence.js reads it as `TypeError:
 * terminated` caused by a socket error; the library does not wrap that read, so it arrives raw.
 */
function isCutShortBody(error: unknown): boolean {
  if (!(error instanceof TypeError) || isApiError(error) || isNetworkError(error)) return false;
  const cause = (error as { cause?: unknown }).cause;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? (cause as { code?: unknown }).code : undefined;
  return error.message === 'terminated' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH';
}

/** An UpstreamError that remembers the HTTP status (when there was one), so callers can branch on it. */
export class ConfluenceUpstreamError extends UpstreamError {
  constructor(
    message: string,
    readonly status?: number,
    retryAfterSeconds?: number,
  ) {
    super(message, retryAfterSeconds);
  }
}

/** Normalises the configured site URL: no trailing slash, no `/wiki` (confluence.js adds it to every path). */
export function normaliseSiteUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new StewardError(`Confluence base URL ${JSON.stringify(baseUrl)} is not a valid URL.`, 'config_error');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new StewardError('Confluence base URL must be http(s).', 'config_error');
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/wiki$/i, '');
  return `${url.origin}${path}`;
}

const RETRYABLE_STATUSES = new Set([500, 502, 503, 504]);

/** Which failures are worth another attempt. */
export function classifyConfluenceError(error: unknown, maxDelayMs: number): RetryDecision {
  if (error instanceof ConfluenceTimeoutError) return { retry: true };
  if (error instanceof ConfluenceIncompleteReplyError) return { retry: true };
  if (isRateLimitError(error)) {
    const afterMs = error.retryAfterMs;
    // Asked to wait longer than we are willing to: fail now with the server's figure, do not hammer it early.
    if (afterMs !== undefined && afterMs > maxDelayMs) return { retry: false };
    return { retry: true, afterMs };
  }
  if (isServerError(error)) {
    if (!RETRYABLE_STATUSES.has(error.status)) return { retry: false };
    // confluence.js drops Retry-After on 5xx; the Data Center transport keeps it (its 503 under load carries one).
    const afterMs = retryAfterOf(error);
    if (afterMs !== undefined && afterMs > maxDelayMs) return { retry: false };
    return { retry: true, afterMs };
  }
  if (isNetworkError(error)) return { retry: error.transient };
  return { retry: false };
}

/** A server's Retry-After in ms, as a transport attached it to a 5xx error (see dc-transport.ts). */
export function retryAfterOf(error: unknown): number | undefined {
  const value = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${seconds(ms)} s`;
}

/**
 * The error a caller sees once retries are over. Messages say what happened and what to do; they
 * never carry response bodies (which may quote page content) nor request URLs (which carry queries).
 * `NotFoundError` is passed through untouched: whether a 404 means "missing page" or "broken site
 * URL" is the caller's call.
 */
export function toUpstreamError(error: unknown, attempts: number, timeoutMs: number, authHint?: string): unknown {
  if (isNotFoundError(error) || error instanceof StewardError) return error;
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  if (error instanceof ConfluenceTimeoutError) {
    return new ConfluenceUpstreamError(
      `Confluence did not answer within ${duration(timeoutMs)} (${tries}); it may be overloaded or unreachable, try again later.`,
    );
  }
  if (error instanceof ConfluenceIncompleteReplyError) {
    return new ConfluenceUpstreamError(`Confluence sent an incomplete or empty reply (${tries}); try again later.`);
  }
  if (isRateLimitError(error)) {
    // No Retry-After: suggest a modest pause. Absurd values (seen: 2^63-1) are reported as an hour.
    const wait = error.retryAfterMs !== undefined ? Math.min(seconds(error.retryAfterMs), 3600) : 30;
    return new ConfluenceUpstreamError(`Confluence rate limit: retry after ${wait} s.`, 429, wait);
  }
  if (isAuthError(error)) {
    return new ConfluenceUpstreamError(
      `Confluence rejected the credentials (401): ${authHint ?? 'check the configured email and API token (and that the token has not expired)'}.`,
      401,
    );
  }
  if (isForbiddenError(error)) {
    return new ConfluenceUpstreamError(
      "Confluence refused the request (403): the token's account lacks permission for this operation or cannot use Confluence.",
      403,
    );
  }
  if (isServerError(error)) {
    const after = retryAfterOf(error);
    const wait = after !== undefined ? Math.min(seconds(after), 3600) : undefined;
    return new ConfluenceUpstreamError(
      `Confluence returned ${error.status} after ${tries}; try again ${wait !== undefined ? `after ${wait} s` : 'later'}.`,
      error.status,
      wait,
    );
  }
  if (isNetworkError(error)) {
    const code = error.code ? ` (${error.code})` : '';
    return new ConfluenceUpstreamError(`Could not reach Confluence${code} after ${tries}; check the base URL and network.`);
  }
  if (isSchemaMismatchError(error)) {
    return new ConfluenceUpstreamError(
      'Confluence sent a response that could not be read (not the JSON the API promises); the site may be misconfigured, behind a proxy, or having trouble.',
    );
  }
  if (isApiError(error)) {
    const text = error.statusText ? ` ${error.statusText}` : '';
    return new ConfluenceUpstreamError(`Confluence rejected the request (${error.status}${text}).`, error.status);
  }
  return new ConfluenceUpstreamError('The Confluence request failed unexpectedly.');
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // confluence.js gives no way to abort its fetch: on timeout we stop waiting, and the orphaned
    // request is left to finish or fail on its own (its outcome is handled below, never unhandled).
    const timer = setTimeout(() => reject(new ConfluenceTimeoutError(timeoutMs)), timeoutMs);
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

function describeFailure(error: unknown): string {
  if (error instanceof ConfluenceTimeoutError) return 'timeout';
  if (error instanceof ConfluenceIncompleteReplyError) return 'incomplete reply';
  if (isApiError(error)) return `HTTP ${error.status}`;
  if (isNetworkError(error)) return `network ${error.code ?? 'error'}`;
  return 'error';
}

/** How a transport retries, bounds and times out; shared by the Cloud and Data Center clients. */
export type TransportOptions = Pick<ConfluenceClientConfig, 'timeoutMs' | 'retry' | 'concurrency' | 'sleep' | 'onRetry'> & {
  /** What a 401 tells the operator to check (the credentials differ between Cloud and Data Center). */
  authHint?: string;
};

/** One request, one attempt: what a transport wraps with retries, a timeout and bounded concurrency. */
export type Attempt = <T>(options: SendRequestOptions<T>) => Promise<T>;

/**
 * A confluence.js `Client` around `attempt`: at most `concurrency` requests in flight, each attempt
 * timed out, failures retried per `classifyConfluenceError`, and what is left turned into an
 * UpstreamError a person can act on.
 */
export function resilientClient(attempt: Attempt, config: TransportOptions): Client {
  const retry: RetryTuning = { ...DEFAULT_RETRY, ...config.retry };
  retry.attempts = Math.max(1, Math.floor(retry.attempts));
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const limiter = createLimiter(config.concurrency ?? DEFAULT_CONCURRENCY);
  const sleep = config.sleep ?? defaultSleep;
  return {
    async sendRequest<T>(options: SendRequestOptions<T>): Promise<T> {
      let attempts = 0;
      try {
        return await withRetry(
          () =>
            limiter.run(() => {
              attempts += 1;
              return withTimeout(attempt(options), timeoutMs);
            }),
          {
            attempts: retry.attempts,
            baseDelayMs: retry.baseDelayMs,
            maxDelayMs: retry.maxDelayMs,
            classify: (error) => classifyConfluenceError(error, retry.maxDelayMs),
            sleep,
            onRetry: (error, attempt, delayMs) =>
              config.onRetry?.({ attempt, delayMs, reason: describeFailure(error) }),
          },
        );
      } catch (error) {
        throw toUpstreamError(error, attempts, timeoutMs, config.authHint);
      }
    },
  };
}

export function createConfluenceClients(config: ConfluenceClientConfig): ConfluenceClients {
  const siteUrl = normaliseSiteUrl(config.baseUrl);

  // The library's own transport, with its internal retry left at one attempt: retries happen here.
  let core: Client;
  try {
    core = createClient({
      host: siteUrl,
      auth: { type: 'basic', email: config.email, apiToken: config.apiToken },
      retry: { maxAttempts: 1 },
    });
  } catch {
    // confluence.js validates the config with zod (the email must look like an email, the token non-empty).
    throw new StewardError('Confluence credentials are incomplete: an account email and a non-empty API token are required.', 'config_error');
  }

  /** One attempt. A cut-short body, or no body where the endpoint promises JSON, is an incomplete reply. */
  async function attempt<T>(options: SendRequestOptions<T>): Promise<T> {
    let result: T;
    try {
      result = await core.sendRequest<T>(options);
    } catch (error) {
      if (isCutShortBody(error)) throw new ConfluenceIncompleteReplyError();
      throw error;
    }
    // confluence.js skips validation when a JSON body is empty and hands back `undefined`.
    if (result === undefined && options.schema !== undefined) throw new ConfluenceIncompleteReplyError();
    return result;
  }

  const client = resilientClient(attempt, config);
  return { v1: createV1Client(client), v2: createV2Client(client), siteUrl };
}
