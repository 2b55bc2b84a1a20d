import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Identity mode (a): the end user's own Atlassian API token, sent on every request as
 *
 *   X-Atlassian-Email: <the account's email>
 *   X-Atlassian-Api-Token: <the account's API token>
 *
 * The session then talks to Confluence with these credentials, so Confluence itself enforces
 * that user's permissions. The token is held in memory for the session only, never logged or
 * stored; sessions compare a fingerprint, never the token.
 */
export const ATLASSIAN_EMAIL_HEADER = 'x-atlassian-email';
export const ATLASSIAN_TOKEN_HEADER = 'x-atlassian-api-token';

export interface AtlassianCredentials {
  email: string;
  apiToken: string;
  /** SHA-256 over email and token: lets a session check that later requests carry the same credentials. */
  fingerprint: string;
}

export type CredentialsResult = { kind: 'none' } | { kind: 'given'; credentials: AtlassianCredentials } | { kind: 'invalid'; message: string };

export function atlassianCredentials(headers: IncomingHttpHeaders): CredentialsResult {
  const email = single(headers[ATLASSIAN_EMAIL_HEADER]);
  const apiToken = single(headers[ATLASSIAN_TOKEN_HEADER]);
  if (email === undefined && apiToken === undefined) return { kind: 'none' };
  if (email === undefined || apiToken === undefined) {
    return { kind: 'invalid', message: 'Send both X-Atlassian-Email and X-Atlassian-Api-Token, or neither.' };
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) {
    return { kind: 'invalid', message: 'X-Atlassian-Email must be the email address of the Atlassian account.' };
  }
  if (!/^[\x21-\x7e]{1,4096}$/.test(apiToken)) {
    return { kind: 'invalid', message: 'X-Atlassian-Api-Token is not a valid API token.' };
  }
  const fingerprint = createHash('sha256').update(`${email.toLowerCase()}\u0000${apiToken}`, 'utf8').digest('hex');
  return { kind: 'given', credentials: { email, apiToken, fingerprint } };
}

function single(value: string | string[] | undefined): string | undefined {
  if (Array.isArray(value)) return value.length === 1 ? value[0].trim() : undefined;
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}
