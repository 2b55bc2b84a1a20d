import type { PolicyGate } from '../policies/gate.js';
import { StewardError } from '../src/errors.js';

/** Most values one completion returns (MCP allows 100; a picker needs far fewer). */
export const COMPLETION_LIMIT = 20;

/** How many recent readable pages a title completion looks through: bounded work per keystroke. */
const TITLE_SCAN = 500;

/**
 * Completion only ever offers what this user could open: space keys of the read allowlist that
 * exist, titles of pages the gate shows. A refusal (a space outside the policy) completes to
 * nothing rather than failing, so a completion never says why.
 */
export async function completeSpaceKeys(gate: PolicyGate, value: string): Promise<string[]> {
  const typed = value.trim().toLowerCase();
  return quietly(async () =>
    (await gate.listSpaces('completion', 'read'))
      .map((space) => space.key)
      .filter((key) => key.toLowerCase().startsWith(typed))
      .sort()
      .slice(0, COMPLETION_LIMIT),
  );
}

/** Titles of readable pages (in one space when given) that start with, then contain, what was typed; most recent first. */
export async function completeTitles(gate: PolicyGate, value: string, spaceKey?: string): Promise<string[]> {
  const typed = value.trim().toLowerCase();
  return quietly(async () => {
    const pages = await gate.recentPages('completion', {
      limit: TITLE_SCAN,
      scan: TITLE_SCAN,
      spaces: spaceKey ? [spaceKey] : undefined,
      keep: (page) => page.title.toLowerCase().includes(typed),
    });
    const titles = [...new Set(pages.map((page) => page.title))];
    const starting = titles.filter((title) => title.toLowerCase().startsWith(typed));
    return [...starting, ...titles.filter((title) => !starting.includes(title))].slice(0, COMPLETION_LIMIT);
  });
}

/** Ids of recent readable pages that start with what was typed. */
export async function completePageIds(gate: PolicyGate, value: string): Promise<string[]> {
  const typed = value.trim();
  return quietly(async () =>
    (await gate.recentPages('completion', { limit: COMPLETION_LIMIT, scan: TITLE_SCAN, keep: (page) => page.id.startsWith(typed) })).map((page) => page.id),
  );
}

async function quietly(complete: () => Promise<string[]>): Promise<string[]> {
  try {
    return await complete();
  } catch (error) {
    if (error instanceof StewardError) return [];
    throw error;
  }
}
