import { PAGE_CONTEXT_TRIGGERS } from './catalog.js';
import { findPageMentions, findSpaceMentions, type PageMention, type SpaceMention } from './entities.js';
import type { ScheduleMatch } from './schedule.js';
import { clauseAt, type PreparedPrompt } from './text.js';
import { detectActions } from './offline/action-clauses.js';
import { planBranch } from './offline/branches.js';
import { findConditions } from './offline/condition-clauses.js';
import { detectTriggers } from './offline/detect-triggers.js';
import { byIndex, type AnalysisContext, type Detection } from './offline/detection.js';
import { findElseSplit, settleIfElse, type IfElseSplit } from './offline/if-else.js';
import { prepareForAnalysis } from './offline/rule-wording.js';
import { TRIGGER_PATTERNS } from './offline/trigger-patterns.js';

/**
 * The deterministic reading of a prompt behind the offline selector and generator: which
 * triggers and components it asks for, where in the text, and the condition / branch
 * settings the wording implies. General keyword, synonym and grammar patterns only (passive
 * "is published" = an event, bare "publish a page" = an action), never case strings.
 *
 * This file only runs the passes in offline/ in their fixed order; each later pass reads what
 * the earlier ones found (an action inside a trigger phrase is the event, a branch decides
 * whether filters become conditions or branch criteria), so the order is part of the meaning.
 */

export type { AnalysisContext, Detection } from './offline/detection.js';
export type { BranchPlan } from './offline/branches.js';
export { detectTriggers } from './offline/detect-triggers.js';

export interface OfflineAnalysis {
  prepared: PreparedPrompt;
  context: AnalysisContext;
  triggers: Detection[];
  schedule: ScheduleMatch | null;
  /** Conditions, actions, branches, plus unsupported and excluded names, in text order. */
  components: Detection[];
  spaces: SpaceMention[];
  pages: PageMention[];
  /** Where an if/else splits the prompt, when it has one. */
  ifElse: IfElseSplit | null;
}

export function analyzePrompt(prompt: string, context: AnalysisContext = {}): OfflineAnalysis {
  const prepared = prepareForAnalysis(prompt);

  const { triggers, schedule } = detectTriggers(prepared);
  const spaces = findSpaceMentions(prepared);
  const pages = findPageMentions(prepared, spaces);

  const { actions, unsupported, excluded } = detectActions(prepared, triggers);

  const catalogTrigger = triggers.find((t) => t.type in TRIGGER_PATTERNS || t.type === 'ScheduledTrigger');
  const hasPageContext = triggers.some((t) => PAGE_CONTEXT_TRIGGERS.has(t.type));
  const isBlogTrigger = catalogTrigger?.type.startsWith('Blog') ?? false;

  // ---- branch ----
  const branch = planBranch(prepared, context, { triggers, schedule, actions, spaces, pages, hasPageContext });
  const components: Detection[] = [];

  // ---- conditions ----
  const openIfElse = findElseSplit(prepared);
  const conditionDetections = findConditions(prepared, context, { triggers, actions, spaces, pages, branch, hasPageContext, catalogTrigger, isBlogTrigger });

  components.push(...conditionDetections);
  const { ifElse, detection: ifElseDetection } = settleIfElse(prepared, openIfElse, conditionDetections, actions);
  if (ifElseDetection) components.push(ifElseDetection);

  if (branch) components.push({ type: branch.type, index: branch.index, end: branch.index + 1, clause: clauseAt(prepared, branch.index), config: branch.config });
  components.push(...actions, ...excluded, ...unsupported);
  return {
    prepared,
    context,
    triggers,
    schedule,
    components: components.sort(byIndex),
    spaces,
    pages,
    ifElse,
  };
}
