/**
 * How the Jira adapter reads jira.js failures: what kind of failure it is (which decides
 * whether a create may be re-sent) and what a person should be told about it.
 * Messages never echo HTML or long raw bodies; Jira's own field errors are kept because they
 * say exactly what to fix.
 */
import {
  isApiError,
  isAuthError,
  isForbiddenError,
  isNetworkError,
  isRateLimitError,
  isSchemaMismatchError,
  isServerError,
} from 'jira.js';

export type Settlement<T> = { state: 'fulfilled'; value: T } | { state: 'rejected'; reason: unknown };

/**
 * Raised by the adapter's own per-request timer. jira.js has no timeout or AbortSignal, so the
 * request keeps running: `late` settles when (if ever) it finally answers.
 */
export class JiraTimeoutError extends Error {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
    readonly late: Promise<Settlement<unknown>>,
  ) {
    super(`Jira did not answer ${operation} within ${timeoutMs} ms`);
    this.name = 'JiraTimeoutError';
  }
}

/** A 2xx answer to a create whose body could not be read: the issue most likely exists. */
export class UnreadableCreateResponseError extends Error {
  constructor(detail: string) {
    super(`Jira answered the create request but the response could not be read (${detail})`);
    this.name = 'UnreadableCreateResponseError';
  }
}

/**
 * - `rejected`: Jira refused the request (4xx other than 429); nothing was created, re-sending cannot help.
 * - `rate-limited`: 429; the request was rejected before processing, so it may be re-sent as is.
 * - `not-sent`: the connection was never established; safe to re-send as is.
 * - `ambiguous`: timeout, reset connection or 5xx — Jira may have created the issue; look before re-sending.
 * - `answered`: Jira said yes but we could not read the answer; look, never re-send.
 * - `unknown`: not a transport failure (a bug); surfaced unchanged.
 */
export type FailureKind = 'rejected' | 'rate-limited' | 'not-sent' | 'ambiguous' | 'answered' | 'unknown';

/** Connection-phase error codes: the request bytes never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export function classifyFailure(error: unknown): FailureKind {
  if (isRateLimitError(error)) return 'rate-limited';
  if (isServerError(error)) return 'ambiguous';
  if (isApiError(error)) return 'rejected';
  if (error instanceof JiraTimeoutError) return 'ambiguous';
  if (error instanceof UnreadableCreateResponseError || isSchemaMismatchError(error)) return 'answered';
  if (isNetworkError(error)) return error.code !== undefined && NOT_SENT_CODES.has(error.code) ? 'not-sent' : 'ambiguous';
  return 'unknown';
}

export function retryAfterMsOf(error: unknown): number | undefined {
  return isRateLimitError(error) ? error.retryAfterMs : undefined;
}

export function statusOf(error: unknown): number | undefined {
  return isApiError(error) ? error.status : undefined;
}

/** Removes control characters and collapses whitespace so a message stays one readable line. */
function clean(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Jira's error envelope `{errorMessages:[…], errors:{field: msg}}` (or the gateway's
 * `{message}`) as one line: `summary: You must specify a summary of the issue.`.
 * HTML bodies (seen on 429s) and empty bodies give `undefined`.
 */
export function describeJiraBody(body: unknown): string | undefined {
  if (typeof body === 'string') {
    const text = body.trim();
    if (text === '' || /^<|<html|<body|<!doctype/i.test(text)) return undefined;
    return clean(text, 200);
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(record.errorMessages)) {
    for (const message of record.errorMessages) if (typeof message === 'string' && message.trim()) parts.push(clean(message));
  }
  if (typeof record.errors === 'object' && record.errors !== null && !Array.isArray(record.errors)) {
    for (const [field, message] of Object.entries(record.errors as Record<string, unknown>)) {
      if (typeof message === 'string') parts.push(`${clean(field, 80)}: ${clean(message)}`);
    }
  }
  if (parts.length === 0 && typeof record.message === 'string') parts.push(clean(record.message));
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** A short, safe description of a failure for "last error: …" phrases. */
export function summarizeFailure(error: unknown): string {
  if (isApiError(error)) {
    const detail = describeJiraBody(error.body);
    const status = `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`;
    return detail ? `${status}: ${detail}` : status;
  }
  if (error instanceof JiraTimeoutError) return `no answer within ${error.timeoutMs} ms`;
  if (isNetworkError(error)) return `network error${error.code ? ` ${error.code}` : ''}`;
  if (error instanceof Error) return clean(error.message, 200);
  return clean(String(error), 200);
}

export { isAuthError, isForbiddenError, isApiError };
