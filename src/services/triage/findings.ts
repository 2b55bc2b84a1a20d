import type { PageMeta } from '../../domain/types.js';

export type FindingKind = 'stale' | 'duplicate' | 'incomplete' | 'conflicting';
export type Severity = 'low' | 'medium' | 'high';

export interface FindingPage {
  pageId: string;
  title: string;
  space: string;
  updated: string;
  owner: string | null;
}

/**
 * What to do about a finding. `tool` and `arguments` are a call an agent can make as is
 * (draft_jira: a pending issue for a reviewer); `personAction` says what a person has to do
 * in Confluence, because no tool here edits, labels, merges or archives pages.
 */
export interface SuggestedAction {
  tool: 'draft_jira';
  arguments: { summary: string; description: string; pageIds: string[]; labels: string[] };
  personAction: string;
}

export interface Finding {
  kind: FindingKind;
  severity: Severity;
  pages: FindingPage[];
  evidence: {
    summary: string;
    ageDays?: number;
    similarity?: number;
    statements?: { pageId: string; text: string }[];
    placeholders?: string[];
    dates?: string[];
  };
  suggestedAction: SuggestedAction;
}

export function findingPage(meta: PageMeta): FindingPage {
  return { pageId: meta.id, title: meta.title, space: meta.spaceKey, updated: meta.updated, owner: meta.owner ?? meta.lastUpdatedBy ?? null };
}

/**
 * A draft_jira call for a finding: a summary that reads as an issue title, the description,
 * the pages, and the triage labels (the same call flag_stale makes with draft=true).
 */
export function jiraSuggestion(kind: FindingKind, summary: string, description: string, pages: PageMeta[], personAction: string): SuggestedAction {
  return {
    tool: 'draft_jira',
    arguments: { summary: summary.slice(0, 255), description: description.slice(0, 5000), pageIds: pages.map((p) => p.id), labels: ['kb-triage', `kb-${kind}`] },
    personAction,
  };
}
