import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../policies/audit.js';
import { PolicyGate } from '../../policies/gate.js';
import { parsePolicy } from '../../policies/policy-schema.js';
import { writeSite } from '../../scripts/site-writer.js';
import { LocalSource } from '../../src/adapters/local/local-source.js';
import type { Identity } from '../../src/domain/types.js';
import { PageNotFoundError, PolicyDeniedError } from '../../src/errors.js';
import { tempDir } from '../support/fixture-site.js';

const SPACES = ['IT', 'HR', 'ENG', 'OPS'];
const GROUPS = ['g1', 'g2', 'g3'];
const USERS = ['u1', 'u2', 'u3', 'u4'];
const LABELS = ['alpha', 'beta', 'secret'];
const WORDS = ['vpn', 'leave', 'printer', 'salary', 'deploy', 'badge', 'laptop', 'policy'];

const restriction = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.record({ groups: fc.subarray(GROUPS), users: fc.subarray(USERS) }) },
);

const siteArb = fc
  .array(
    fc.record({
      space: fc.constantFrom(...SPACES),
      parentPick: fc.nat(),
      labels: fc.subarray(LABELS),
      restriction,
      words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 8 }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((raw) =>
    raw.map((page, index) => {
      const earlier = raw.slice(0, index).map((p, i) => ({ ...p, i })).filter((p) => p.space === page.space);
      const parent = earlier.length > 0 && page.parentPick % 3 !== 0 ? earlier[page.parentPick % earlier.length] : undefined;
      return {
        id: String(5000 + index),
        title: `Page ${index} ${page.words[0]}`,
        space: page.space,
        parentId: parent ? String(5000 + parent.i) : null,
        labels: page.labels,
        restrictions: page.restriction ? { read: page.restriction } : undefined,
        body: page.words.join(' '),
      };
    }),
  );

const identityArb = fc.record({
  accountId: fc.constantFrom(...USERS, ''),
  groups: fc.subarray(GROUPS),
});

const hostileText = fc.oneof(
  fc.array(fc.constantFrom(...WORDS, 'OR', 'NEAR(', '*', '"', '-', 'NOT', ':', '(', ')', 'title:', '^'), { minLength: 1, maxLength: 6 }).map((w) => w.join(' ')),
  fc.string({ minLength: 1, maxLength: 40 }),
);

type Page = { id: string; space: string; parentId: string | null; labels: string[]; restrictions?: { read: { groups: string[]; users: string[] } } };

/** An independent statement of the rule: allowed space, no denied label, every restriction on the chain satisfied. */
function oracleVisible(pages: Page[], who: Identity, readSpaces: string[], deny: string[]): Set<string> {
  const byId = new Map(pages.map((p) => [p.id, p]));
  const visible = new Set<string>();
  for (const page of pages) {
    if (!readSpaces.includes(page.space) || page.labels.some((l) => deny.includes(l))) continue;
    let ok = true;
    for (let p: Page | undefined = page; p; p = p.parentId ? byId.get(p.parentId) : undefined) {
      const r = p.restrictions?.read;
      if (r && (r.groups.length > 0 || r.users.length > 0)) {
        const passes = (who.accountId !== '' && r.users.includes(who.accountId)) || r.groups.some((g) => who.groups.includes(g));
        if (!passes) ok = false;
      }
    }
    if (ok) visible.add(page.id);
  }
  return visible;
}

const roots: string[] = [];
afterAll(() => void roots);

describe('the gate never surfaces what the user may not read', () => {
  it('holds for random sites, identities, policies and queries', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        siteArb,
        identityArb,
        fc.subarray(SPACES, { minLength: 1 }),
        fc.subarray(['secret', 'beta']),
        hostileText,
        fc.option(fc.subarray(SPACES, { minLength: 1 }), { nil: undefined }),
        async (pages, rawWho, readSpaces, deny, text, requested) => {
          const root = tempDir(`prop-${run++}`);
          roots.push(root);
          writeSite(join(root, 'site'), { spaces: SPACES.map((key) => ({ key, name: key })), pages });
          const source = LocalSource.open(join(root, 'site'), join(root, 'data'));
          const policy = parsePolicy(
            JSON.stringify({
              read: { spaces: readSpaces },
              draft: { spaces: [] },
              jira: { projects: ['KB'], defaultProject: 'KB' },
              labels: { deny },
              staleness: { defaultDays: 365 },
              readOnly: false,
            }),
            'prop',
          );
          const who: Identity = { ...rawWho, displayName: 'x' };
          const audit: AuditEntry[] = [];
          const gate = new PolicyGate(policy, who, 'agent', source, { record: (e) => audit.push(e) });
          const visible = oracleVisible(pages, who, readSpaces, deny);
          const byId = new Map(pages.map((p) => [p.id, p]));
          try {
            let results: { id: string; spaceKey: string }[];
            try {
              results = await gate.searchPages('search_pages', { text, spaces: requested, limit: 50 });
            } catch (error) {
              // Requesting a space outside the allowlist must be refused, never widened.
              expect(error).toBeInstanceOf(PolicyDeniedError);
              expect(requested!.some((s) => !readSpaces.includes(s))).toBe(true);
              results = [];
            }
            for (const result of results) {
              expect(visible.has(result.id)).toBe(true);
              if (requested) expect(requested).toContain(result.spaceKey);
            }
            for (const page of pages) {
              const read = await gate.readPage('get_page', page.id).then(
                () => true,
                (error: unknown) => {
                  expect(error).toBeInstanceOf(PageNotFoundError);
                  return false;
                },
              );
              expect(read).toBe(visible.has(page.id));
              // Navigation: a visible page's breadcrumb and children hold visible pages only, and exactly
              // the visible ones among its real ancestors and children; an invisible page has no tree.
              const tree = await gate.pageTree('browse_pages', page.id, 5).catch((error: unknown) => {
                expect(error).toBeInstanceOf(PageNotFoundError);
                return undefined;
              });
              expect(tree !== undefined).toBe(visible.has(page.id));
              if (tree) {
                const chain: string[] = [];
                for (let p = byId.get(page.id)?.parentId; p; p = byId.get(p)?.parentId) chain.unshift(p);
                expect(tree.ancestors.map((a) => a.id)).toEqual(chain.filter((id) => visible.has(id)));
                const children = pages.filter((c) => c.parentId === page.id && visible.has(c.id)).map((c) => c.id);
                expect(tree.children.map((c) => c.id).sort()).toEqual(children.sort());
              }
            }
            // Space counts count visible pages only.
            const counts = await gate.readableSpaces('browse_pages');
            for (const space of counts) expect(space.pages, space.key).toBe(pages.filter((p) => p.space === space.key && visible.has(p.id)).length);
            expect(counts.map((c) => c.key).sort()).toEqual([...readSpaces].sort());
            const listed: string[] = [];
            for await (const meta of gate.listPages('flag_stale', {})) listed.push(meta.id);
            expect(new Set(listed)).toEqual(visible);
            expect(audit.length).toBeGreaterThan(0);
          } finally {
            await source.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
