import type { AdfDocument, AdfNode, IssueRequest } from '../../adapters/issue-tracker.js';

/** What an agent drafts and a reviewer may edit; the issue itself is built from it. */
export interface JiraDraftPayload {
  projectKey: string;
  issueType: string;
  summary: string;
  /** The gap in one paragraph (agent text or our default). */
  gap: string;
  question: string | null;
  labels: string[];
  pages: { id: string; title: string; space: string; url: string }[];
  likelyOwner: { accountId: string; displayName: string | null; source: 'owner' | 'last editor' } | null;
}

export const IDEMPOTENCY_PREFIX = 'steward-draft-';

export function idempotencyLabel(draftId: number): string {
  return `${IDEMPOTENCY_PREFIX}${draftId}`;
}

const text = (value: string, marks?: AdfNode['marks']): AdfNode => ({ type: 'text', text: value, ...(marks ? { marks } : {}) });
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
const heading = (value: string): AdfNode => ({ type: 'heading', attrs: { level: 3 }, content: [text(value)] });

/**
 * The exact request a draft becomes: ADF description with the gap, the question asked, links
 * to the affected pages and the likely owner, plus the idempotency label that lets a retry
 * find an issue created before a crash.
 */
export function buildIssueRequest(draftId: number, payload: JiraDraftPayload, provenance: { drafter: string; reviewer: string | null }): IssueRequest {
  const content: AdfNode[] = [paragraph(text(payload.gap))];
  if (payload.question) content.push(heading('Question asked'), paragraph(text(payload.question)));
  if (payload.pages.length > 0) {
    content.push(heading('Affected pages'), {
      type: 'bulletList',
      content: payload.pages.map((page) => ({
        type: 'listItem',
        // A relative URL (a local site without baseUrl) is shown, not linked: Jira links need an absolute one.
        content: [
          paragraph(
            /^https?:\/\//i.test(page.url)
              ? text(`${page.title} (${page.space})`, [{ type: 'link', attrs: { href: page.url } }])
              : text(`${page.title} (${page.space}) ${page.url}`),
          ),
        ],
      })),
    });
  }
  content.push(
    heading('Likely owner'),
    paragraph(
      text(
        payload.likelyOwner
          ? `${payload.likelyOwner.displayName ?? payload.likelyOwner.accountId} (${payload.likelyOwner.source} of the first affected page)`
          : 'Unknown: no affected page names an owner or editor.',
      ),
    ),
    paragraph(text(`Drafted by ${provenance.drafter} through confluence-steward${provenance.reviewer ? `; approved by ${provenance.reviewer}` : ''}.`, [{ type: 'em' }])),
  );
  const description: AdfDocument = { type: 'doc', version: 1, content };
  return {
    projectKey: payload.projectKey,
    issueType: payload.issueType,
    summary: payload.summary,
    description,
    labels: [...new Set([...payload.labels, idempotencyLabel(draftId)])],
  };
}

/** The issue as a reviewer reads it before approving. */
export function previewIssue(payload: JiraDraftPayload): string {
  const lines = [
    `Jira ${payload.issueType} in ${payload.projectKey}: ${payload.summary}`,
    payload.labels.length ? `Labels: ${payload.labels.join(', ')}` : 'Labels: (none)',
    '',
    payload.gap,
  ];
  if (payload.question) lines.push('', `Question asked: ${payload.question}`);
  if (payload.pages.length) lines.push('', 'Affected pages:', ...payload.pages.map((p) => `- ${p.title} (${p.space}) ${p.url}`));
  lines.push(
    '',
    `Likely owner: ${payload.likelyOwner ? `${payload.likelyOwner.displayName ?? payload.likelyOwner.accountId} (${payload.likelyOwner.source})` : 'unknown'}`,
  );
  return lines.join('\n');
}
