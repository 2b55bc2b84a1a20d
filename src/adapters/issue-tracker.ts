/**
 * Where approved Jira drafts go. `jira` creates real issues through jira.js; the outbox
 * (in the draft store) records the exact request instead when Jira is not configured.
 */

/** Atlassian Document Format, the only description format Jira Cloud v3 accepts. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

export interface AdfNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

export interface IssueRequest {
  projectKey: string;
  issueType: string;
  summary: string;
  description: AdfDocument;
  /** Always includes the draft's idempotency label (`steward-draft-<id>`). */
  labels: string[];
}

export interface CreatedIssue {
  id: string;
  key: string;
  /** Browse URL for people, e.g. https://site.atlassian.net/browse/OPS-12 */
  url: string;
}

export interface IssueTracker {
  readonly kind: 'jira';
  /**
   * Finds an issue created earlier with this idempotency label, so a retry after a crash or
   * timeout records the existing issue instead of creating a second one.
   */
  findByIdempotencyLabel(label: string, projectKey: string): Promise<CreatedIssue | undefined>;
  createIssue(request: IssueRequest): Promise<CreatedIssue>;
}
