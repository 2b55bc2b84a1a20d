import type { Draft } from '../../store/draft-store.js';

/**
 * The pages a draft rests on, whatever its kind: a Jira draft's affected pages, and the pages
 * an automation rule resolved to or listed as candidates. A reviewer must be able to read all
 * of them to see the draft (DraftService.visibleTo). Read defensively: payloads are stored JSON.
 */
export function evidencePageIds(draft: Pick<Draft, 'kind' | 'payload'>): string[] {
  const payload = (draft.payload && typeof draft.payload === 'object' ? draft.payload : {}) as Record<string, unknown>;
  const ids = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value !== '') ids.add(value);
    else if (typeof value === 'number') ids.add(String(value));
  };
  for (const page of list(payload.pages)) add((page as { id?: unknown })?.id);
  for (const ref of list(payload.resolved)) {
    const entry = ref as { kind?: unknown; id?: unknown };
    if (entry?.kind === 'page') add(entry.id);
  }
  for (const ref of list(payload.unresolved)) {
    const entry = ref as { kind?: unknown; candidates?: unknown };
    if (entry?.kind === 'page') for (const candidate of list(entry.candidates)) add((candidate as { id?: unknown })?.id);
  }
  return [...ids];
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The rule, in one place for MCP, CLI, console and the trust report: a reader sees a draft (its
 * title, payload, history) only if every space it names is readable under the policy and every
 * page it rests on is visible to them. Everyone else is told it does not exist, or gets a count.
 */
export function draftVisibleTo(
  gate: { mayReadAll(pageIds: readonly string[], spaces: readonly string[], seen?: Map<string, Promise<boolean>>): Promise<boolean> },
  draft: Pick<Draft, 'kind' | 'payload' | 'spaces'>,
  /** Page visibility already looked up in this listing (many drafts cite the same pages). */
  seen?: Map<string, Promise<boolean>>,
): Promise<boolean> {
  return gate.mayReadAll(evidencePageIds(draft), draft.spaces, seen);
}
