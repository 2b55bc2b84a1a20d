import type { Role } from '../policies/tool-access.js';
import { toolAllowed } from '../policies/tool-access.js';
import type { ToolDefinition } from './define-tool.js';
import { answerWithSources } from './answer-with-sources.js';
import { approveDraft } from './approve-draft.js';
import { browsePages } from './browse-pages.js';
import { draftAutomationRuleTool } from './draft-automation-rule.js';
import { draftJira } from './draft-jira.js';
import { editDraft } from './edit-draft.js';
import { flagStale } from './flag-stale.js';
import { getAutomationCatalog } from './get-automation-catalog.js';
import { getDraft } from './get-draft.js';
import { listDrafts } from './list-drafts.js';
import { rejectDraft } from './reject-draft.js';
import { getPage } from './get-page.js';
import { searchPages } from './search-pages.js';
import { trustReport } from './trust-report.js';

/** Every tool the server knows. The server, the gate, the schema snapshot and the README table read this list. */
export const allTools: readonly ToolDefinition[] = [
  searchPages,
  getPage,
  browsePages,
  answerWithSources,
  draftJira,
  flagStale,
  getAutomationCatalog,
  draftAutomationRuleTool,
  listDrafts,
  getDraft,
  editDraft,
  approveDraft,
  rejectDraft,
  trustReport,
] as unknown as ToolDefinition[];

/** The tools that exist for a role. Tools outside this list are never registered. */
export function toolsFor(role: Role, readOnly: boolean): ToolDefinition[] {
  return allTools.filter((tool) => toolAllowed(tool.access, role, readOnly));
}
