/**
 * The only place CQL is written. Agent text never becomes CQL syntax: every value goes through
 * `cqlString` (a double-quoted string with `\` and `"` escaped and control characters removed),
 * space keys are validated and quoted, dates are formatted by us. The policy constraints (space
 * allowlist, label deny-list) are ANDed *outside* the free-text clause, so nothing inside the text
 * can widen them.
 */
import { InvalidInputError } from '../../errors.js';

/** Space keys Confluence issues: letters, digits, `_`, and `~user` / `.`/`-` for personal spaces. */
export const SPACE_KEY_PATTERN = /^[A-Za-z0-9_~.-]+$/;

// Lone UTF-16 surrogates cannot be URL-encoded faithfully; C0/C1 controls have no business in a query.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const WHITESPACE_CONTROL = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const OTHER_CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/** Removes what must never reach a query: control characters (line breaks become spaces) and lone surrogates. */
export function cleanCqlText(value: string): string {
  return value.replace(LONE_SURROGATE, '').replace(WHITESPACE_CONTROL, ' ').replace(OTHER_CONTROL, '');
}

/** A CQL string literal. Whatever `value` holds, the result is exactly one double-quoted token. */
export function cqlString(value: string): string {
  return `"${cleanCqlText(value).replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/** A quoted space key. Policy: a key outside the pattern is rejected, never "cleaned" into another key. */
export function cqlSpaceKey(key: string): string {
  if (!SPACE_KEY_PATTERN.test(key)) {
    throw new InvalidInputError(`${JSON.stringify(key)} is not a valid Confluence space key.`);
  }
  return cqlString(key);
}

/** `("A","B")` from already-quoted literals. */
function cqlList(literals: string[]): string {
  return `(${literals.join(',')})`;
}

/** Fails closed: an empty space list would mean "every space", so it is an error, not an empty clause. */
export function cqlSpaceClause(spaces: readonly string[]): string {
  const keys = [...new Set(spaces)];
  if (keys.length === 0) throw new InvalidInputError('At least one space is required for a Confluence query.');
  return `space IN ${cqlList(keys.map(cqlSpaceKey))}`;
}

function labelLiterals(labels: readonly string[] | undefined): string[] {
  const cleaned = (labels ?? []).map((label) => cleanCqlText(label).trim()).filter((label) => label !== '');
  return [...new Set(cleaned)].map(cqlString);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `"yyyy-MM-dd"` (UTC) from an ISO date or date-time, shifted by `offsetDays`. Backstop for the
 * tool schemas: a year outside 1000–9999 (after the shift) has no four-digit form (`toISOString`
 * writes `-000001-…` or `+010000-…`), so it is refused rather than sent as a malformed date.
 */
export function cqlDate(value: string | Date, offsetDays = 0): string {
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(time)) throw new InvalidInputError(`${JSON.stringify(String(value).slice(0, 60))} is not a valid date.`);
  const shifted = new Date(time + offsetDays * DAY_MS);
  const year = shifted.getUTCFullYear();
  if (Number.isNaN(year) || year < 1000 || year > 9999) {
    throw new InvalidInputError(`${JSON.stringify(String(value).slice(0, 60))} is not a usable date: dates must fall between the years 1000 and 9999.`);
  }
  return `"${shifted.toISOString().slice(0, 10)}"`;
}

/**
 * Date bounds. CQL dates are whole days evaluated in the Confluence user's time zone, so each bound
 * is widened by one day here and the source filters the exact instant afterwards.
 */
function dateClauses(updatedSince: string | undefined, updatedBefore: string | undefined): string[] {
  const clauses: string[] = [];
  if (updatedSince !== undefined) clauses.push(`lastmodified >= ${cqlDate(updatedSince, -1)}`);
  if (updatedBefore !== undefined) clauses.push(`lastmodified < ${cqlDate(updatedBefore, 2)}`);
  return clauses;
}

export interface SearchCqlInput {
  text: string;
  spaces: readonly string[];
  labels?: readonly string[];
  excludeLabels?: readonly string[];
  updatedSince?: string;
}

/**
 * `(siteSearch ~ "…") AND type = page AND space IN (…) [AND label IN (…)] [AND label NOT IN (…)] [AND lastmodified >= …]`.
 * Empty text (after cleaning) drops the text clause and orders by last modification instead.
 */
export function buildSearchCql(request: SearchCqlInput): string {
  const text = cleanCqlText(request.text).trim();
  const clauses: string[] = [];
  if (text !== '') clauses.push(`(siteSearch ~ ${cqlString(text)})`);
  clauses.push('type = page', cqlSpaceClause(request.spaces));
  const include = labelLiterals(request.labels);
  if (include.length > 0) clauses.push(`label IN ${cqlList(include)}`);
  const exclude = labelLiterals(request.excludeLabels);
  if (exclude.length > 0) clauses.push(`label NOT IN ${cqlList(exclude)}`);
  clauses.push(...dateClauses(request.updatedSince, undefined));
  const cql = clauses.join(' AND ');
  return text === '' ? `${cql} ORDER BY lastmodified DESC` : cql;
}

export interface ListCqlInput {
  spaces: readonly string[];
  excludeLabels?: readonly string[];
  updatedSince?: string;
  updatedBefore?: string;
}

/** `type = page AND space IN (…) [AND label NOT IN (…)] [AND lastmodified …] ORDER BY lastmodified DESC`. */
export function buildListCql(request: ListCqlInput): string {
  const clauses = ['type = page', cqlSpaceClause(request.spaces)];
  const exclude = labelLiterals(request.excludeLabels);
  if (exclude.length > 0) clauses.push(`label NOT IN ${cqlList(exclude)}`);
  clauses.push(...dateClauses(request.updatedSince, request.updatedBefore));
  return `${clauses.join(' AND ')} ORDER BY lastmodified DESC`;
}

/** `title = "…" AND type = page AND space IN (…)`; callers still filter for the exact title. */
export function buildTitleCql(title: string, spaces: readonly string[]): string {
  return `title = ${cqlString(title)} AND type = page AND ${cqlSpaceClause(spaces)}`;
}

/** For `/rest/api/search/user`, which only understands user fields. */
export function buildUserSearchCql(name: string): string {
  return `user.fullname ~ ${cqlString(name)}`;
}

/** A page id as a CQL literal. Policy: anything but digits is refused, never cleaned into another id. */
function cqlPageId(id: string): string {
  if (!/^\d{1,20}$/.test(id)) throw new InvalidInputError(`${JSON.stringify(id.slice(0, 30))} is not a Confluence page id.`);
  return cqlString(id);
}

function treeClauses(spaces: readonly string[], excludeLabels: readonly string[] | undefined): string[] {
  const clauses = ['type = page', cqlSpaceClause(spaces)];
  const exclude = labelLiterals(excludeLabels);
  if (exclude.length > 0) clauses.push(`label NOT IN ${cqlList(exclude)}`);
  return clauses;
}

/** `parent = "…" AND type = page AND space IN (…) [AND label NOT IN (…)] ORDER BY title`: direct children, with the metadata v2 children lack (labels). */
export function buildChildrenCql(parentId: string, spaces: readonly string[], excludeLabels?: readonly string[]): string {
  return `parent = ${cqlPageId(parentId)} AND ${treeClauses(spaces, excludeLabels).join(' AND ')} ORDER BY title`;
}

/** `id IN (…) AND type = page AND space IN (…) [AND label NOT IN (…)]`: metadata for known ids (breadcrumbs). */
export function buildIdsCql(ids: readonly string[], spaces: readonly string[], excludeLabels?: readonly string[]): string {
  if (ids.length === 0) throw new InvalidInputError('At least one page id is required.');
  return `id IN ${cqlList([...new Set(ids)].map(cqlPageId))} AND ${treeClauses(spaces, excludeLabels).join(' AND ')}`;
}
