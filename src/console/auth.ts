import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { matchToken as matchHashedToken } from '../auth/bearer.js';

/**
 * Who may use the console, and proof that a form was ours. Reviewers sign in with a token
 * from the same tokens file as `serve --http` (src/auth/tokens-file.ts: `{tokenSha256, user,
 * role}`, hashes only); only role `reviewer` may use the console.
 */
export { loadTokensFile as loadTokens, sha256Hex } from '../auth/tokens-file.js';

export interface ConsoleToken {
  tokenSha256: string;
  user: string;
  role: 'agent' | 'reviewer';
}

const MAX_TOKEN_LENGTH = 4096;

/** The secret from `Authorization: Bearer T` or `Basic base64(user:T)` (the user part is ignored). */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const [scheme, value] = authorization.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/** The entry whose hash matches (constant-time comparison against every entry). */
export function matchToken<T extends ConsoleToken>(entries: readonly T[], token: string | undefined): T | undefined {
  return token === undefined || token.length > MAX_TOKEN_LENGTH ? undefined : matchHashedToken(token, entries);
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.toLowerCase() === '::ffff:127.0.0.1';
  return false;
}

/**
 * Synchronizer tokens: one random secret per process, a token per reviewer derived from it
 * (HMAC), so a form rendered for one reviewer is useless to another and restarting the
 * console invalidates every old form.
 */
export class CsrfTokens {
  private readonly secret = randomBytes(32);

  tokenFor(accountId: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${accountId}`).digest('base64url');
  }

  verify(accountId: string, token: unknown): boolean {
    if (typeof token !== 'string' || token.length === 0) return false;
    const expected = Buffer.from(this.tokenFor(accountId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
