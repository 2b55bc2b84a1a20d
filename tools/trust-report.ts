import { z } from 'zod';
import { formatTrustReport } from '../src/services/report/report-text.js';
import { defineTool } from './define-tool.js';

const Approval = z.object({
  kind: z.enum(['jira', 'automation', 'all']),
  drafted: z.number().int(),
  pending: z.number().int(),
  approved: z.number().int().describe('Approved as drafted (one revision)'),
  editedThenApproved: z.number().int().describe('Approved after a reviewer edited it'),
  rejected: z.number().int(),
  executed: z.number().int(),
  failed: z.number().int().describe('Approved, execution failed, awaiting a retry'),
  decisionSeconds: z.object({
    count: z.number().int(),
    median: z.number().nullable(),
    mean: z.number().nullable(),
    max: z.number().nullable(),
  }).describe('Time from drafted to approved or rejected'),
});

export const trustReport = defineTool({
  name: 'trust_report',
  title: 'Trust report',
  description:
    'How far answers and drafts deserve trust: restricted-content misses (counts only), most cited pages, answers on stale ' +
    'pages, approvals, repeated gaps, the audit trail (filterable).',
  access: 'review',
  toolset: 'triage',
  writes: false,
  input: z.object({
    days: z.number().int().min(1).max(3650).optional().describe('Only the last N days; all time when omitted'),
    auditActor: z.string().trim().min(1).max(200).optional().describe('Audit: only this account id'),
    auditAction: z.string().trim().min(1).max(40).optional().describe('Audit: only this action, e.g. approve, reject, edit, create'),
    auditDecision: z.enum(['allow', 'deny']).optional().describe('Audit: only allowed or only refused actions'),
    auditDraftId: z.number().int().positive().optional().describe('Audit: only this draft'),
    auditLimit: z.number().int().min(1).max(500).default(50).describe('Audit rows to return, newest first'),
  }),
  output: z.object({
    generatedAt: z.string(),
    since: z.string().nullable().describe('Start of the period, or null for all time'),
    questions: z.object({
      total: z.number().int(),
      answered: z.number().int(),
      conflicting: z.number().int(),
      insufficientEvidence: z.number().int(),
      noPermittedContent: z.number().int(),
    }),
    restrictedMisses: z.object({ count: z.number().int(), share: z.number() }).describe('Questions where nothing the asker may read matched'),
    sources: z.object({
      answersWithSources: z.number().int(),
      answersOnStaleSources: z.number().int(),
      staleShare: z.number(),
      topPages: z.array(
        z.object({ pageId: z.string(), title: z.string().nullable(), space: z.string().nullable(), url: z.string().nullable(), answers: z.number().int() }),
      ),
      topSpaces: z.array(z.object({ space: z.string(), answers: z.number().int() })),
      unattributedCitations: z.number().int().describe('Citations of pages you may not open (or beyond the lookup limit)'),
    }),
    approvals: z.object({ byKind: z.array(Approval), total: Approval }),
    gaps: z.object({
      unanswered: z.number().int(),
      clustered: z.number().int(),
      clusters: z.array(
        z.object({
          size: z.number().int(),
          keywords: z.array(z.string()),
          questions: z.array(z.object({ id: z.number().int(), text: z.string(), at: z.string(), status: z.string() })),
        }),
      ),
    }),
    audit: z.object({
      filter: z.object({
        actor: z.string().optional(),
        action: z.string().optional(),
        decision: z.enum(['allow', 'deny']).optional(),
        draftId: z.number().int().optional(),
        limit: z.number().int().optional(),
      }),
      total: z.number().int(),
      rows: z.array(
        z.object({
          id: z.number().int(),
          at: z.string(),
          actor: z.string(),
          actorName: z.string().nullable(),
          role: z.string(),
          tool: z.string(),
          action: z.string(),
          decision: z.enum(['allow', 'deny']),
          subject: z.string().nullable().describe('Draft id (or other subject) the action was about'),
          draftTitle: z.string().nullable().describe('Null when you may not see the draft (you cannot read its evidence pages)'),
          reason: z.string().nullable().describe('Transition (e.g. pending → approved) or the rule that refused it'),
          rejectReason: z.string().nullable(),
          beforeHash: z.string().nullable(),
          afterHash: z.string().nullable(),
        }),
      ),
      hiddenDrafts: z.number().int().optional().describe('Drafts in these rows you may not see: counted, not named'),
    }),
  }),
  async handler(args, { gate, services }) {
    const report = await services.reports.build(gate, 'trust_report', {
      now: services.now(),
      sinceDays: args.days,
      audit: { actor: args.auditActor, action: args.auditAction, decision: args.auditDecision, draftId: args.auditDraftId, limit: args.auditLimit },
    });
    return { structured: report, text: formatTrustReport(report) };
  },
});
