import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { InvalidInputError } from '../src/errors.js';

/**
 * Search cursors, sealed. A source's `next` is a position in its own result order, which
 * counts rows the reader may not see (Confluence checks them one by one when acting for
 * someone else): handed out as a number, two windows would tell how many hidden pages matched.
 * So a cursor is that position encrypted and authenticated (AES-256-GCM) under a key that
 * never leaves the process, bound to the reader and the exact search it continues. A cursor
 * from another search, another reader or an earlier server run is refused, never reinterpreted.
 */
const KEY = randomBytes(32);
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a cursor is bound to: who searched, and for what (every filter that shapes the results). */
export interface CursorScope {
  reader: string;
  search: unknown;
}

function scopeHash(scope: CursorScope): Buffer {
  return createHash('sha256').update(JSON.stringify([scope.reader, scope.search])).digest();
}

export function sealCursor(start: number, scope: CursorScope): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', KEY, iv);
  cipher.setAAD(scopeHash(scope));
  const body = Buffer.concat([cipher.update(JSON.stringify({ s: start })), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

export function openCursor(cursor: string, scope: CursorScope): number {
  const refuse = () =>
    new InvalidInputError('This cursor does not continue this search (it belongs to another query or an earlier session); repeat the search without `cursor`.');
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= IV_BYTES + TAG_BYTES) throw refuse();
  try {
    const decipher = createDecipheriv('aes-256-gcm', KEY, raw.subarray(0, IV_BYTES));
    decipher.setAAD(scopeHash(scope));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    const start = (JSON.parse(text) as { s?: unknown }).s;
    if (typeof start === 'number' && Number.isInteger(start) && start >= 0) return start;
  } catch {
    // Tampered, truncated or from another key: refused below.
  }
  throw refuse();
}
