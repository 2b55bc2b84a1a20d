import { analyzePrompt, type AnalysisContext } from './offline-analysis.js';

/**
 * Step 1: selection, as two independent steps. Each returns the component names the prompt
 * asks for. A list may be empty, name several triggers, or name things outside the catalog
 * (e.g. `WhiteboardCreatedTrigger`): checks.ts turns those into problems.
 */

export interface SelectionContext extends AnalysisContext {}

export interface Selector {
  /** Trigger names: catalog triggers, or names of unsupported ones. */
  selectTriggers(prompt: string, context?: SelectionContext): Promise<string[]>;
  /** Conditions, actions and branches (flattened), incl. excluded and unsupported names. */
  selectComponents(prompt: string, context?: SelectionContext): Promise<string[]>;
}

const unique = (xs: string[]) => [...new Set(xs)];

/** Offline trigger selection: keyword, synonym and grammar rules; no model. */
export function selectTriggersOffline(prompt: string, context: SelectionContext = {}): string[] {
  return unique(analyzePrompt(prompt, context).triggers.map((t) => t.type));
}

/** Offline selection of conditions, actions and branches. */
export function selectComponentsOffline(prompt: string, context: SelectionContext = {}): string[] {
  return unique(analyzePrompt(prompt, context).components.map((c) => c.type));
}

export const offlineSelector: Selector = {
  async selectTriggers(prompt, context) {
    return selectTriggersOffline(prompt, context);
  },
  async selectComponents(prompt, context) {
    return selectComponentsOffline(prompt, context);
  },
};
