import { createHash, timingSafeEqual } from 'node:crypto';

/** Longest bearer token we hash; anything longer is refused without work. */
const MAX_TOKEN_LENGTH = 4096;

/** The token in `Authorization: Bearer <token>`, or undefined when the header is missing or malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i.exec(header);
  if (!match || match[1].length > MAX_TOKEN_LENGTH) return undefined;
  return match[1];
}

/**
 * Finds which known token hash a presented token matches. Compares SHA-256 digests with
 * timingSafeEqual against every entry (no early exit), so timing says nothing about which
 * entry, or how much of a hash, matched.
 */
export function matchToken<T extends { tokenSha256: string }>(token: string, entries: readonly T[]): T | undefined {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  let found: T | undefined;
  for (const entry of entries) {
    const known = Buffer.from(entry.tokenSha256, 'hex');
    if (known.length === presented.length && timingSafeEqual(known, presented) && found === undefined) found = entry;
  }
  return found;
}
