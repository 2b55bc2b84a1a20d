/**
 * The only JQL this server ever sends: "the issue carrying this draft's idempotency label".
 * Both values are validated against narrow patterns *and* quoted, so no argument can change
 * the shape of the query (no raw JQL from agents, ever).
 */
import { InvalidInputError } from '../../errors.js';

/** Every approved draft carries exactly one label like `steward-draft-12`. */
export const IDEMPOTENCY_LABEL_PREFIX = 'steward-draft-';
export const IDEMPOTENCY_LABEL_PATTERN = /^steward-draft-[A-Za-z0-9-]+$/;
/** Jira project keys: an upper-case letter, then upper-case letters, digits or underscores. */
export const PROJECT_KEY_PATTERN = /^[A-Z][A-Z0-9_]+$/;
/** Jira's label limit; longer values can never match an existing label. */
const MAX_LABEL_LENGTH = 255;

// Policy: fails closed — anything outside the pattern is rejected before a request is built.
export function assertIdempotencyLabel(label: unknown): asserts label is string {
  if (typeof label !== 'string' || label.length > MAX_LABEL_LENGTH || !IDEMPOTENCY_LABEL_PATTERN.test(label)) {
    throw new InvalidInputError(
      `Invalid idempotency label ${JSON.stringify(label)}: expected "steward-draft-" followed by letters, digits or hyphens.`,
    );
  }
}

// Policy: fails closed — lower-case, quoted or padded keys are rejected, never "fixed up".
export function assertProjectKey(projectKey: unknown): asserts projectKey is string {
  if (typeof projectKey !== 'string' || projectKey.length > 255 || !PROJECT_KEY_PATTERN.test(projectKey)) {
    throw new InvalidInputError(
      `Invalid Jira project key ${JSON.stringify(projectKey)}: expected upper-case letters, digits or underscores, starting with a letter (e.g. "OPS").`,
    );
  }
}

/** Quotes a JQL string literal. Redundant after validation; kept as defence in depth. */
export function quoteJql(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * `project = "KB" AND labels = "steward-draft-12" ORDER BY created ASC` — bounded by project
 * (the enhanced search endpoint rejects unbounded JQL); oldest first, so if duplicates ever
 * exist the original is the one recorded.
 */
export function idempotencyLabelJql(label: string, projectKey: string): string {
  assertIdempotencyLabel(label);
  assertProjectKey(projectKey);
  return `project = ${quoteJql(projectKey)} AND labels = ${quoteJql(label)} ORDER BY created ASC`;
}

/** The single idempotency label of an issue request; anything else is a caller bug. */
export function idempotencyLabelOf(labels: readonly string[]): string {
  const found = labels.filter((label) => label.startsWith(IDEMPOTENCY_LABEL_PREFIX));
  if (found.length !== 1) {
    throw new InvalidInputError(
      found.length === 0
        ? 'The issue request has no "steward-draft-<id>" label, so it could not be created exactly once; refusing to send it.'
        : `The issue request has ${found.length} "steward-draft-" labels (${found.join(', ')}); exactly one is required.`,
    );
  }
  assertIdempotencyLabel(found[0]);
  return found[0];
}
