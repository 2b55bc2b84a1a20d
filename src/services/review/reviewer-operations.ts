import type { z } from 'zod';
import type { PolicyGate } from '../../../policies/gate.js';
import { InvalidInputError } from '../../errors.js';
import type { Draft } from '../../store/draft-store.js';
import { reviseAutomationDraft } from '../automation/automation-drafts.js';
import type { DraftView, ExecutionReport } from '../drafts/draft-service.js';
import type { Services } from '../services.js';
import {
  ApproveDraftInput,
  type ApproveDraftArgs,
  EditDraftInput,
  type EditDraftArgs,
  ListDraftsInput,
  type ListDraftsArgs,
  RejectDraftInput,
  type RejectDraftArgs,
} from './review-schemas.js';

/**
 * The one reviewer-operations layer: the MCP review tools, the CLI and the console all call
 * these, with inputs parsed by the same zod schemas (review-schemas.ts), and these call the
 * draft service with the reviewer's gate. Front-ends never touch the store.
 */
export class ReviewerOperations {
  constructor(private readonly services: Services) {}

  list(gate: PolicyGate, input: unknown, tool = 'list_drafts'): Promise<{ drafts: Draft[]; hidden: number }> {
    const args = parse(ListDraftsInput, input);
    return this.services.drafts.list(gate, args, tool);
  }

  show(gate: PolicyGate, draftId: number, tool = 'get_draft'): Promise<DraftView> {
    return this.services.drafts.show(gate, draftId, tool);
  }

  facets(gate: PolicyGate, tool?: string) {
    return this.services.drafts.queueFacets(gate, tool);
  }

  async edit(gate: PolicyGate, input: unknown): Promise<Draft> {
    const { draftId, description, note, rule, ...jira } = parse(EditDraftInput, input);
    const target = await this.services.drafts.decisionTarget(gate, 'edit_draft', 'edit', draftId);
    if (target.kind === 'automation') {
      if (rule === undefined) throw new InvalidInputError('Automation drafts are edited with `rule` (the simplified rule JSON).');
      if (Object.values(jira).some((v) => v !== undefined) || description !== undefined) {
        throw new InvalidInputError('Automation drafts take only `rule` (and `note`); summary, labels and the other fields are Jira fields.');
      }
      return reviseAutomationDraft(gate, this.services, draftId, rule, note);
    }
    if (rule !== undefined) throw new InvalidInputError('`rule` only applies to automation drafts.');
    const changes = { ...jira, gap: description };
    if (Object.values(changes).every((v) => v === undefined)) throw new InvalidInputError('Nothing to change: give at least one of summary, description, labels, projectKey, issueType.');
    return this.services.drafts.edit(gate, draftId, changes, note);
  }

  approve(gate: PolicyGate, input: unknown): Promise<ExecutionReport> {
    const { draftId, revision } = parse(ApproveDraftInput, input);
    return this.services.drafts.approve(gate, draftId, revision);
  }

  reject(gate: PolicyGate, input: unknown): Promise<Draft> {
    const { draftId, reason } = parse(RejectDraftInput, input);
    return this.services.drafts.reject(gate, draftId, reason);
  }

  /** Finishes interrupted executions when this reviewer may; says why not otherwise (never fatal for reading). */
  async reconcile(gate: PolicyGate): Promise<{ reports: ExecutionReport[]; refused?: string }> {
    try {
      return { reports: await this.services.drafts.reconcile(gate) };
    } catch (error) {
      if (error instanceof Error && 'code' in error && (error as { code: string }).code === 'policy_denied') return { reports: [], refused: error.message };
      throw error;
    }
  }
}

export type { ApproveDraftArgs, EditDraftArgs, ListDraftsArgs, RejectDraftArgs };

/** Parses with a shared schema; the error names each field and rule, never the value given. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message.slice(0, 200)}`);
  throw new InvalidInputError(`Invalid input — ${problems.slice(0, 10).join('; ')}`);
}
