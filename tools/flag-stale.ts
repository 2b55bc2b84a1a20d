import { z } from 'zod';
import { ALL_CHECKS, triagePages } from '../src/services/triage/triage-service.js';
import { defineTool } from './define-tool.js';
import { personNames } from './people.js';
import { PageId, SpacesArg } from './schemas.js';

const Page = z.object({
  pageId: z.string(),
  title: z.string(),
  space: z.string(),
  updated: z.string(),
  owner: z.string().nullable().describe('Account id of the owner (else the last editor)'),
  ownerName: z.string().nullable().describe('Their display name (null when unknown)'),
});

export const flagStale = defineTool({
  name: 'flag_stale',
  title: 'Triage pages: stale, duplicate, incomplete, conflicting',
  description:
    'Scans the pages this user may read (all allowed spaces, some spaces, or given pages) and reports stale pages (old, ' +
    'expired dates, broken links), near-duplicates, incomplete pages (TBD/TODO, empty sections) and pages that state ' +
    'different facts about the same subject. Suggestions only: it never edits. With draft=true each suggestion becomes a ' +
    'pending Jira draft that a reviewer must approve.',
  access: 'draft',
  toolset: 'triage',
  writes: true,
  hints: { idempotentHint: true, destructiveHint: false, openWorldHint: false },
  input: z.object({
    spaces: SpacesArg,
    pageIds: z.array(PageId).max(200).optional().describe('Only these pages (instead of whole spaces)'),
    checks: z.array(z.enum(['stale', 'duplicate', 'incomplete', 'conflicting'])).min(1).optional().describe('Default: all four'),
    staleAfterDays: z.number().int().min(1).max(36500).optional().describe('Override the policy threshold'),
    limit: z.number().int().min(1).max(500).default(50).describe('Most findings to return, most severe first'),
    draft: z.boolean().default(false).describe('Queue each suggestion as a pending Jira draft'),
  }),
  output: z.object({
    scanned: z.number().int(),
    findings: z.array(
      z.object({
        kind: z.enum(['stale', 'duplicate', 'incomplete', 'conflicting']),
        severity: z.enum(['low', 'medium', 'high']),
        pages: z.array(Page),
        evidence: z.object({
          summary: z.string(),
          ageDays: z.number().optional(),
          similarity: z.number().optional(),
          statements: z.array(z.object({ pageId: z.string(), text: z.string() })).optional(),
          placeholders: z.array(z.string()).optional(),
          dates: z.array(z.string()).optional(),
        }),
        suggestedAction: z.object({
          tool: z.literal('draft_jira').describe('Call this tool with arguments to queue the issue for a reviewer (draft=true does it)'),
          arguments: z.object({ summary: z.string(), description: z.string(), pageIds: z.array(z.string()), labels: z.array(z.string()) }),
          personAction: z.string().describe('What a person must do in Confluence: no tool here edits, labels or archives pages'),
        }),
      }),
    ),
    summary: z.object({
      byKind: z.object({ stale: z.number(), duplicate: z.number(), incomplete: z.number(), conflicting: z.number() }),
      bySeverity: z.record(z.string(), z.number()),
      truncated: z.boolean(),
      drafted: z.array(z.number().int()).describe('Ids of pending drafts created (draft=true)'),
      notes: z.array(z.string()),
    }),
  }),
  async handler(args, { gate, services, progress, signal }) {
    const result = await triagePages(
      gate,
      services,
      { spaces: args.spaces, pageIds: args.pageIds, checks: args.checks ?? ALL_CHECKS, staleAfterDays: args.staleAfterDays, limit: args.limit, draft: args.draft },
      progress,
      signal,
    );
    const names = personNames(gate);
    const findings = await Promise.all(
      result.findings.map(async (finding) => ({
        ...finding,
        pages: await Promise.all(finding.pages.map(async (page) => ({ ...page, ownerName: await names(page.owner) }))),
      })),
    );
    return { structured: { ...result, findings } };
  },
});
