import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionTarget, type DraftAction, type DraftStatus } from '../../policies/draft-rules.js';
import { StewardError } from '../../src/errors.js';
import { BACKEND_NAMES, type OpenedStore, type StoreBackend, startBackend } from '../support/store-backends.js';

/** Legal moves, written out independently of the implementation's table. */
const LEGAL = new Set([
  'pending>pending', 'pending>approved', 'pending>rejected', 'approved>executing',
  'executing>executed', 'executing>failed', 'failed>executing', 'executing>executing',
]);

const operation = fc.record({
  op: fc.constantFrom('edit', 'approve', 'reject', 'execute', 'succeed', 'fail', 'retry', 'reconcile'),
  draft: fc.nat({ max: 2 }),
  actor: fc.constantFrom('alice', 'bob'),
});

describe.each(BACKEND_NAMES)('draft state machine on %s', (name) => {
  let backend: StoreBackend;
  let opened: OpenedStore;
  // One store for all runs (a fresh PostgreSQL database per run costs more than the run): each
  // run drafts its own three drafts and checks only their rows.
  beforeAll(async () => {
    backend = await startBackend(name);
    opened = await backend.open();
  }, 120_000);
  afterAll(async () => {
    await opened?.close();
    await backend?.stop();
  }, 60_000);

  it('no sequence of calls reaches an illegal transition, and terminal states never change', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (ops) => {
        const { drafts: store, audit } = opened;
        const ids: number[] = [];
        for (const i of [0, 1, 2]) {
          ids.push((await store.create({ kind: 'jira', drafter: 'carol', drafterName: 'Carol', role: 'agent', spaces: ['IT'], title: `d${i}`, payload: { n: i } })).id);
        }
        for (const { op, draft, actor } of ops) {
          const id = ids[draft];
          const before = (await store.get(id)).status;
          const expected = transitionTarget(op as DraftAction, before);
          try {
            switch (op) {
              case 'edit': await store.edit(id, actor, 'reviewer', { n: draft, by: actor }, 'edited'); break;
              case 'approve': await store.approve(id, actor, 'reviewer', (await store.get(id)).revision); break;
              case 'reject': await store.reject(id, actor, 'reviewer', 'no'); break;
              case 'execute': case 'retry': case 'reconcile': await store.claim(id, actor, 'reviewer', op, 'outbox'); break;
              case 'succeed': await store.succeed(id, actor, 'reviewer', 'outbox', {}); break;
              case 'fail': await store.fail(id, actor, 'reviewer', 'boom'); break;
            }
          } catch (error) {
            // Refusals are StewardErrors with a message, never crashes.
            expect(error).toBeInstanceOf(StewardError);
          }
          const after = (await store.get(id)).status;
          if (expected === undefined) expect(after).toBe(before);
          if (before === 'executed' || before === 'rejected') expect(after).toBe(before);
        }
        for (const row of await audit.list({ tool: 'drafts', decision: 'allow', limit: 1_000_000 })) {
          if (row.action === 'create' || !ids.includes(Number(row.subject))) continue;
          const [from, to] = (row.reason ?? '').split(' → ') as [DraftStatus, DraftStatus];
          expect(LEGAL.has(`${from}>${to}`), `${row.action}: ${row.reason}`).toBe(true);
        }
        const statuses = await Promise.all(ids.map(async (id) => (await store.get(id)).status));
        for (const status of statuses) expect(['pending', 'approved', 'executing', 'executed', 'failed', 'rejected']).toContain(status);
      }),
      { numRuns: 150 },
    );
  }, 240_000);
});
