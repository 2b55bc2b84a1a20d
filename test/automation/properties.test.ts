import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogEntry } from '../../src/services/automation/catalog.js';
import { walkComponents } from '../../src/services/automation/rule-schema.js';
import { draft } from './support.js';

const WORDS = [
  'when', 'whenever', 'every', 'monday', 'at', '9', 'a', 'the', 'page', 'pages', 'blog', 'post', 'is', 'published', 'edited', 'archived',
  'moved', 'deleted', 'copied', 'labelled', 'comment', 'comments', 'on', 'in', 'HR', 'space', 'under', 'Decisions', 'move', 'it', 'archive',
  'delete', 'all', 'add', 'label', 'remove', 'email', 'me', 'notify', 'slack', 'teams', 'web', 'request', 'https://x.io/h', 'if', 'title',
  'contains', 'otherwise', 'for', 'each', 'task', 'whiteboard', 'jira', 'restrict', 'grant', 'everyone', 'permissions', 'older', 'than',
  '90', 'days', 'daily', 'quarterly', '"quoted text"', ',', 'then', 'and', 'button', 'webhook', 'mentioned', 'status', 'Verified', 'owner',
];

const prompts = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 25 }).map((w) => w.join(' '));

describe('pipeline invariants over generated prompts', () => {
  it('never throws, never enables, never emits excluded or unknown types, never nests, keeps manual configs empty', async () => {
    await fc.assert(
      fc.asyncProperty(prompts, fc.constantFrom(undefined, 'ENG'), async (prompt, spaceKey) => {
        const r = await draft(prompt, spaceKey ? { spaceKey } : {});
        if (r.exportJson) expect(r.exportJson.rule.state).toBe('DISABLED');
        if (!r.rule) return;
        if (r.rule.trigger) expect(catalogEntry(r.rule.trigger.type)?.kind).toBe('trigger');
        for (const w of walkComponents(r.rule.components)) {
          const entry = catalogEntry(w.node.type);
          expect(entry).toBeDefined();
          expect(entry!.governance).not.toBe('excluded');
          expect(entry!.kind).not.toBe('trigger');
          if (entry!.governance === 'manual-config-required') expect(w.node.config).toEqual({});
          if (w.inBranch) expect(entry!.kind === 'branch' || w.node.type === 'IfElseCondition').toBe(false);
          for (const field of entry!.secretFields ?? []) expect(w.node.config[field]).toBe('');
        }
        // Every unresolved reference is also reported as a problem.
        const messages = new Set(r.problems.filter((p) => p.kind === 'unresolved').map((p) => p.message));
        for (const u of r.unresolved) expect(messages.has(u.message)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
