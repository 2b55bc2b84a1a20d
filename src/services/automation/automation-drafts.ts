import type { PolicyGate } from '../../../policies/gate.js';
import { InvalidInputError } from '../../errors.js';
import type { Draft } from '../../store/draft-store.js';
import type { ExecutionReport, DraftService } from '../drafts/draft-service.js';
import type { Services } from '../services.js';
import { gateResolver } from './gate-resolver.js';
import { checkStructure } from './structure.js';
import type { RuleGenerator } from './generator.js';
import { type DraftRuleResult, draftRule } from './pipeline.js';
import { createSamplingGenerator } from './sampling-generator.js';

/** What an automation draft stores: the request, the rule, and everything a reviewer needs to finish it. */
export interface AutomationDraftPayload {
  prompt: string;
  spaceKey: string | null;
  generator: DraftRuleResult['generator'];
  rule: DraftRuleResult['rule'];
  preview: string;
  problems: DraftRuleResult['problems'];
  manualConfig: DraftRuleResult['manualConfig'];
  missingInputs: DraftRuleResult['missingInputs'];
  unresolved: DraftRuleResult['unresolved'];
  resolved: DraftRuleResult['resolved'];
  exportJson: DraftRuleResult['exportJson'];
}

const TOOL = 'draft_automation_rule';

function payloadOf(prompt: string, spaceKey: string | null, result: DraftRuleResult): AutomationDraftPayload {
  const { generator, rule, preview, problems, manualConfig, missingInputs, unresolved, resolved, exportJson } = result;
  return { prompt, spaceKey, generator, rule, preview, problems, manualConfig, missingInputs, unresolved, resolved, exportJson };
}

/**
 * Natural language (or an agent's simplified rule) to a pending automation draft. The pipeline
 * decides what is usable; only usable rules are queued, always as drafts, never enabled.
 */
export async function draftAutomationRule(
  gate: PolicyGate,
  services: Services,
  input: { prompt: string; spaceKey?: string; rule?: unknown; sample?: (request: { system: string; prompt: string; maxTokens: number }) => Promise<string> },
): Promise<{ result: DraftRuleResult; draft: Draft | null; duplicate: boolean }> {
  // Policy: a space scope must be one the user may draft against.
  const spaceKey = input.spaceKey === undefined ? undefined : gate.draftSpaces([input.spaceKey])[0];
  const sample = input.sample;
  const generator: RuleGenerator | 'offline' = sample
    ? createSamplingGenerator({ complete: (system, prompt) => sample({ system, prompt, maxTokens: 2000 }) })
    : 'offline';
  const result = await draftRule({ prompt: input.prompt, spaceKey, rule: input.rule, generator, resolver: gateResolver(gate) });
  if (!result.usable || result.rule === null) {
    gate.record(TOOL, 'draft', 'allow', undefined, `nothing usable (${result.errorKind ?? 'problems'})`);
    return { result, draft: null, duplicate: false };
  }
  const payload = payloadOf(input.prompt, spaceKey ?? null, result);
  const { draft, duplicate } = await services.drafts.queue(gate, TOOL, {
    kind: 'automation',
    title: result.rule.title || input.prompt.slice(0, 120),
    spaces: spaceKey ? [spaceKey] : [],
    payload,
  });
  return { result, draft, duplicate };
}

/** What still needs a person before the rule can be exported: manual configuration, secrets, unresolved references. */
export function automationReadiness(draft: Draft): string[] {
  const payload = draft.payload as AutomationDraftPayload;
  const missing: string[] = [];
  if (payload.manualConfig?.length) missing.push(`configure ${payload.manualConfig.map((m) => m.type).join(', ')} by hand`);
  if (payload.missingInputs?.length) missing.push(`fill ${payload.missingInputs.map((m) => `${m.type}.${m.field}`).join(', ')}`);
  if (payload.unresolved?.length) missing.push(`resolve ${payload.unresolved.map((u) => u.path).join(', ')}`);
  if (!payload.rule?.trigger) missing.push('choose a trigger');
  if (!payload.exportJson) missing.push('the rule could not be mapped to the export format');
  // The stored rule is checked again, whatever problems the payload lists: an oversized or
  // nested rule must not reach the outbox because a field said it was fine.
  if (payload.rule) {
    try {
      for (const problem of checkStructure(payload.rule)) missing.push(`fix the structure: ${problem.message}`);
    } catch {
      missing.push('fix the structure: the stored rule cannot be read');
    }
  }
  return missing;
}

/**
 * Execution for automation drafts. Confluence's internal component type ids are not public
 * (fact sheet §8), so a rule cannot be created through the Automation REST API with
 * confidence: the export JSON (state DISABLED) goes to the outbox, to be imported in the rule
 * builder. It never claims a rule exists.
 */
export function automationExecutor(drafts: () => DraftService) {
  return async (draft: Draft, gate: PolicyGate): Promise<ExecutionReport> => {
    const payload = draft.payload as AutomationDraftPayload;
    const envelope = payload.exportJson!;
    const done = await drafts().store.executeToOutbox(draft.id, gate.identity.accountId, gate.role, 'automation', {
      import: 'Confluence automation rule builder → Import rule',
      rule: { ...envelope, rule: { ...envelope.rule, state: 'DISABLED' } },
    });
    return {
      draft: done,
      message: `The rule (disabled) was written to the outbox (entry ${(done.result as { outboxId: number }).outboxId}) for import in the rule builder. No rule was created in Confluence.`,
    };
  };
}

/**
 * A reviewer's edit of an automation draft: the edited simplified rule goes through the same
 * checks, resolution and mapping as a new one, and becomes a new revision.
 */
export async function reviseAutomationDraft(gate: PolicyGate, services: Services, id: number, rule: unknown, note?: string): Promise<Draft> {
  const draft = await services.drafts.decisionTarget(gate, 'edit_draft', 'edit', id);
  const previous = draft.payload as AutomationDraftPayload;
  const result = await draftRule({ prompt: previous.prompt, spaceKey: previous.spaceKey ?? undefined, rule, resolver: gateResolver(gate) });
  if (!result.usable || result.rule === null) {
    throw new InvalidInputError(`The edited rule is not usable: ${result.problems.map((p) => p.message).join(' ')}`);
  }
  const payload = payloadOf(previous.prompt, previous.spaceKey, result);
  return services.drafts.replacePayload(gate, id, payload, result.rule.title || draft.title, note);
}
