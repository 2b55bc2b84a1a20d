/**
 * What an agent is pasted for a page: its id, or one of the URL forms Confluence shows people —
 * `/wiki/spaces/KEY/pages/ID/Title`, `/pages/viewpage.action?pageId=ID`, or a tiny link `/x/CODE`.
 * Only the page id is taken from a URL; the page is then read through the gate like any other,
 * so a URL can never reach a page the id would not.
 */

const DIGITS = /^\d{1,20}$/;
const TINY_CODE = /^[A-Za-z0-9_-]{1,16}$/;

/** The page id a reference names, or undefined when it names none. */
export function pageIdFromReference(reference: string): string | undefined {
  const text = reference.trim();
  if (DIGITS.test(text)) return text;
  let url: URL;
  try {
    // Relative paths (`/wiki/x/AQBUO`) are accepted too.
    url = new URL(text, 'https://confluence.invalid');
  } catch {
    return undefined;
  }
  const fromQuery = url.searchParams.get('pageId');
  if (fromQuery !== null) return DIGITS.test(fromQuery) ? fromQuery : undefined;
  const path = url.pathname;
  const paged = /\/pages\/(?:edit-v2\/)?(\d{1,20})(?:\/|$)/.exec(path);
  if (paged) return paged[1];
  const tiny = /\/x\/([^/]+)\/?$/.exec(path);
  return tiny ? pageIdFromTinyCode(tiny[1]) : undefined;
}

/**
 * Tiny links are the page id's bytes, little-endian, in base64 with `+` written `_` and `/`
 * written `-` (not RFC 4648's URL-safe mapping) and trailing `A`s (zero bits) and `=` dropped.
 */
export function pageIdFromTinyCode(code: string): string | undefined {
  if (!TINY_CODE.test(code)) return undefined;
  let base64 = code.replace(/_/g, '+').replace(/-/g, '/');
  while (base64.length < 8 || base64.length % 4 !== 0) base64 += 'A';
  const bytes = Buffer.from(base64, 'base64');
  let id = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) id = (id << 8n) | BigInt(bytes[i]);
  const digits = id.toString();
  return id > 0n && DIGITS.test(digits) ? digits : undefined;
}

/** The tiny-link code of a page id (the inverse of pageIdFromTinyCode), as Confluence writes it. */
export function tinyCodeOf(pageId: string): string {
  let id = BigInt(pageId);
  const bytes: number[] = [];
  do {
    bytes.push(Number(id & 0xffn));
    id >>= 8n;
  } while (id > 0n);
  while (bytes.length < 4) bytes.push(0);
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '_').replace(/\//g, '-').replace(/[A=]+$/, '');
}
