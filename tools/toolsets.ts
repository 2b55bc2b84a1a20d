/**
 * Toolsets: named groups of tools by workflow, the way people know them from the most used
 * Atlassian MCP server (`TOOLSETS=read,answers`). Each tool declares one (ToolDefinition
 * `toolset`); TOOLSETS / `--toolsets` only ever narrows what the role allows.
 */
export const TOOLSETS = {
  read: 'search and read pages',
  answers: 'answer from the docs with citations, and hand a gap to Jira',
  triage: 'find stale, duplicate, incomplete and conflicting pages; the trust report',
  drafts: 'work the review queue: list, show, edit, approve, reject drafts',
  automation: 'the automation catalog and drafting automation rules',
} as const;

export type Toolset = keyof typeof TOOLSETS;

export const TOOLSET_NAMES = Object.keys(TOOLSETS) as Toolset[];

/** `all` names every toolset (as in that server), the same as not setting TOOLSETS. */
export const ALL_TOOLSETS = 'all';
