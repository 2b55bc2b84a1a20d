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

export interface SuggestedAction {
  type: 'draft_jira' | 'add_label' | 'review_for_archive' | 'merge_review';
  arguments: Record<string, unknown>;
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

/** Ready-to-use draft_jira arguments for a finding. */
export function jiraSuggestion(summary: string, description: string, pages: PageMeta[]): SuggestedAction {
  return { type: 'draft_jira', arguments: { summary: summary.slice(0, 255), description, pageIds: pages.map((p) => p.id) } };
}
