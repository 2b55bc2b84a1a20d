/**
 * One HTTP attempt against a Confluence (or Jira) Data Center REST API, as a confluence.js
 * `Client` attempt: paths are relative to the configured base URL, context path included
 * (`https://host/confluence` + `/rest/api/search`), never with `/wiki`.
 *
 * Why not the library's `createClient`: confluence.js 3.2 accepts only an email for basic auth
 * (Data Center basic is `username:password`), calls fetch with no AbortSignal, and drops the
 * response headers of every error but 429, while Data Center under load answers 503 with a
 * Retry-After worth honouring. Failures are still the library's own error classes, so the shared
 * retry policy (`classifyConfluenceError`) and messages (`toUpstreamError`) apply unchanged.
 */
import {
  ApiError,
  AuthError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  SchemaMismatchError,
  ServerError,
  type SendRequestOptions,
} from 'confluence.js/core';
import { parseRetryAfter } from '../retry.js';
import { ConfluenceIncompleteReplyError, ConfluenceTimeoutError, type Attempt } from './confluence-client.js';

export type DataCenterAuth = { type: 'bearer'; token: string } | { type: 'basic'; username: string; password: string };

/** `Authorization` for a Data Center PAT (Confluence 7.9+, Jira 8.14+) or username:password. */
export function authorizationHeader(auth: DataCenterAuth): string {
  if (auth.type === 'bearer') return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

/** Query string the way Confluence reads it: arrays comma-joined, absent values left out. */
function queryString(params: Record<string, unknown> | undefined): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null) continue;
    search.set(name, Array.isArray(value) ? value.map(String).join(',') : String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** Connection-phase codes: nothing reached the server, and a retry is safe. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND']);

function errorCode(error: unknown): string | undefined {
  let cursor = error;
  for (let depth = 0; cursor instanceof Error && depth < 5; depth += 1) {
    const code = (cursor as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cursor = (cursor as { cause?: unknown }).cause;
  }
  return undefined;
}

function httpError(status: number, statusText: string, body: unknown, headers: Headers): Error {
  // Messages name the status only: bodies may quote content, URLs carry queries.
  const message = `Request failed: ${status} ${statusText}`;
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
  if (status === 401) return new AuthError(message, statusText, body);
  if (status === 403) return new ForbiddenError(message, statusText, body);
  if (status === 404) return new NotFoundError(message, statusText, body);
  if (status === 429) return new RateLimitError(message, statusText, body, { retryAfterMs });
  if (status >= 500) return Object.assign(new ServerError(message, status, statusText, body), { retryAfterMs });
  return new ApiError(message, status, statusText, body);
}

/**
 * Atlassian's login layer (Seraph) marks a request whose credentials failed but which it served
 * anyway, as anonymous, with this header. Documented for Jira; Confluence runs the same layer.
 */
const FAILED_LOGIN = /AUTHENTICATED_FAILED|AUTHENTICATION_DENIED/i;

/**
 * The attempt for `resilientClient`. `timeoutMs` aborts the request itself (the shared wrapper's
 * timer stays as the outer bound). A reply served as anonymous after a failed login is a 401,
 * whatever its status: a PAT revoked while the server runs must not turn into anonymous reads.
 */
export function dataCenterAttempt(baseUrl: string, auth: DataCenterAuth, timeoutMs: number): Attempt {
  const authorization = authorizationHeader(auth);
  return async <T>(options: SendRequestOptions<T>): Promise<T> => {
    const path = options.url.startsWith('/') ? options.url : `/${options.url}`;
    const url = `${baseUrl}${path}${queryString(options.searchParams)}`;
    const hasBody = options.body !== undefined && options.body !== null;
    let response: Response;
    try {
      response = await fetch(url, {
        method: options.method ?? 'GET',
        headers: {
          Accept: 'application/json',
          Authorization: authorization,
          ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
        },
        body: hasBody ? JSON.stringify(options.body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') throw new ConfluenceTimeoutError(timeoutMs);
      const code = errorCode(error);
      throw new NetworkError(`Request failed${code ? ` (${code})` : ''}`, { cause: error, code, transient: code !== undefined && TRANSIENT_CODES.has(code) });
    }
    if (FAILED_LOGIN.test(response.headers.get('x-seraph-loginreason') ?? '')) {
      await response.body?.cancel().catch(() => {});
      throw new AuthError('Request failed: served as anonymous after a failed login', 'Unauthorized', undefined);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if ((error as Error)?.name === 'TimeoutError' || (error as Error)?.name === 'AbortError') throw new ConfluenceTimeoutError(timeoutMs);
      throw new ConfluenceIncompleteReplyError();
    }
    const contentType = response.headers.get('content-type') ?? '';
    const isJson = /\bjson\b/i.test(contentType);
    let data: unknown = undefined;
    if (isJson && text !== '') {
      try {
        data = JSON.parse(text);
      } catch {
        if (!response.ok) data = text;
        else throw new SchemaMismatchError('Response was not valid JSON', '');
      }
    }
    if (!response.ok) {
      // A redirect here is an SSO or login page in front of the API, not an answer.
      throw httpError(response.status, response.statusText, data ?? (isJson ? undefined : ''), response.headers);
    }
    if (response.status === 204) return undefined as T;
    if (!isJson) throw new SchemaMismatchError(`Expected JSON, got ${contentType || 'no content type'}`, '');
    if (data === undefined) throw new ConfluenceIncompleteReplyError();
    if (!options.schema) return data as T;
    const parsed = options.schema.safeParse(data);
    if (!parsed.success) throw new SchemaMismatchError(`Response did not match the schema for ${options.method ?? 'GET'} ${path}`, '', { cause: parsed.error });
    return parsed.data;
  };
}
