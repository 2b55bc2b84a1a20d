import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyDeniedError } from '../../src/errors.js';
import { DraftNotFoundError, type NewDraft, RevisionChangedError } from '../../src/store/draft-store.js';
import { BACKEND_NAMES, type StoreBackend, startBackend } from '../support/store-backends.js';

/** The store contract, run against SQLite and a real PostgreSQL: same calls, same answers. */
const draft = (over: Partial<NewDraft> = {}): NewDraft => ({
  kind: 'jira', drafter: 'acc-carol', drafterName: 'Carol', role: 'agent', spaces: ['IT', 'HR'], title: 'VPN gap', payload: { summary: 'VPN', n: 1 }, ...over,
});

describe.each(BACKEND_NAMES)('draft store on %s', (name) => {
  let backend: StoreBackend;
  beforeAll(async () => {
    backend = await startBackend(name);
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
  }, 60_000);

  it('creates, reads, lists and filters drafts, newest first', async () => {
    const store = await backend.open();
    try {
      const a = await store.drafts.create(draft());
      const b = await store.drafts.create(draft({ kind: 'automation', drafter: 'acc-dan', drafterName: 'Dan', spaces: ['HR'], title: 'Rule', payload: { rule: 1 } }));
      await store.drafts.create(draft({ spaces: [], title: 'No space', payload: { n: 3 } }));
      expect(await store.drafts.get(a.id)).toMatchObject({ status: 'pending', revision: 1, spaces: ['IT', 'HR'], payload: { summary: 'VPN', n: 1 }, drafterName: 'Carol', attempts: 0 });
      expect((await store.drafts.list()).map((d) => d.title)).toEqual(['No space', 'Rule', 'VPN gap']);
      expect((await store.drafts.list({ kind: 'automation' })).map((d) => d.id)).toEqual([b.id]);
      expect((await store.drafts.list({ space: 'IT' })).map((d) => d.id)).toEqual([a.id]);
      expect(await store.drafts.list({ space: '%' })).toEqual([]);
      expect((await store.drafts.list({ drafter: 'acc-carol', limit: 1, offset: 1 })).map((d) => d.id)).toEqual([a.id]);
      expect(await store.drafts.statusCounts()).toEqual({ pending: 3 });
      expect(await store.drafts.drafters()).toEqual([{ id: 'acc-carol', name: 'Carol' }, { id: 'acc-dan', name: 'Dan' }]);
      expect(await store.drafts.draftSpaces()).toEqual(['HR', 'IT']);
      expect((await store.drafts.findPendingDuplicate('jira', 'acc-carol', { n: 1, summary: 'VPN' }))?.id).toBe(a.id);
      expect(await store.drafts.findPendingDuplicate('jira', 'acc-dan', { n: 1, summary: 'VPN' })).toBeUndefined();
      await expect(store.drafts.get(999_999_999_999)).rejects.toBeInstanceOf(DraftNotFoundError);
    } finally {
      await store.close();
    }
  });

  it('edits into revisions, approves only the revision seen, executes to the outbox once, and audits each step', async () => {
    const store = await backend.open();
    try {
      const { id } = await store.drafts.create(draft());
      await store.drafts.edit(id, 'acc-rev', 'reviewer', { summary: 'VPN on Linux' }, 'VPN on Linux', 'clearer');
      await expect(store.drafts.approve(id, 'acc-rev', 'reviewer', 1)).rejects.toBeInstanceOf(RevisionChangedError);
      const approved = await store.drafts.approve(id, 'acc-rev', 'reviewer', 2);
      expect(approved).toMatchObject({ status: 'approved', decidedBy: 'acc-rev', title: 'VPN on Linux', revision: 2 });
      expect((await store.drafts.revisions(id)).map((r) => [r.revision, r.author, r.note])).toEqual([[1, 'acc-carol', 'drafted'], [2, 'acc-rev', 'clearer']]);
      const claimed = await store.drafts.claim(id, 'acc-rev', 'reviewer', 'execute', 'outbox');
      expect(claimed).toMatchObject({ status: 'executing', attempts: 1, executorPid: process.pid, target: 'outbox' });
      await expect(store.drafts.claim(id, 'acc-rev', 'reviewer', 'execute', 'outbox')).rejects.toBeInstanceOf(PolicyDeniedError);
      expect(await store.drafts.orphanedExecutions()).toEqual([]);
      const done = await store.drafts.executeToOutbox(id, 'acc-rev', 'reviewer', 'jira', { method: 'POST' });
      const entry = await store.drafts.outboxEntry(id);
      expect(done).toMatchObject({ status: 'executed', target: 'outbox', result: { outboxId: entry!.id, target: 'jira' }, executorPid: null });
      expect(entry).toMatchObject({ target: 'jira', request: { method: 'POST' } });
      await expect(store.drafts.reject(id, 'acc-rev', 'reviewer', 'late')).rejects.toBeInstanceOf(PolicyDeniedError);
      const rows = (await store.audit.list({ tool: 'drafts', limit: 100 })).reverse();
      expect(rows.map((r) => [r.action, r.decision, r.reason])).toEqual([
        ['create', 'allow', 'jira'],
        ['edit', 'allow', 'pending → pending'],
        ['approve', 'allow', 'pending → approved'],
        ['execute', 'allow', 'approved → executing'],
        ['execute', 'deny', 'status is executing'],
        ['succeed', 'allow', 'executing → executed'],
        ['reject', 'deny', 'status is executed'],
      ]);
      expect(rows.every((r) => r.subject === String(id))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('fails and retries, and a reconcile claim is refused while the executor lives', async () => {
    const store = await backend.open();
    try {
      const { id } = await store.drafts.create(draft());
      await store.drafts.approve(id, 'acc-rev', 'reviewer', 1);
      await store.drafts.claim(id, 'acc-rev', 'reviewer', 'execute', 'jira');
      expect(await store.drafts.claim(id, 'acc-rev', 'reviewer', 'reconcile', 'jira')).toBeUndefined();
      expect(await store.drafts.fail(id, 'acc-rev', 'reviewer', 'Jira said 503')).toMatchObject({ status: 'failed', failureReason: 'Jira said 503' });
      expect(await store.drafts.claim(id, 'acc-rev', 'reviewer', 'retry', 'jira')).toMatchObject({ status: 'executing', attempts: 2, failureReason: null });
      expect(await store.drafts.succeed(id, 'acc-rev', 'reviewer', 'jira', { key: 'IT-1' })).toMatchObject({ status: 'executed', result: { key: 'IT-1' }, target: 'jira' });
    } finally {
      await store.close();
    }
  });

  it('a claim whose lease ran out is an orphan another process may reconcile', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = await backend.open(() => new Date(clock));
    try {
      const { id } = await store.drafts.create(draft());
      await store.drafts.approve(id, 'acc-rev', 'reviewer', 1);
      await store.drafts.claim(id, 'acc-rev', 'reviewer', 'execute', 'jira');
      clock += 10 * 60_000;
      expect((await store.drafts.orphanedExecutions()).map((d) => d.id)).toEqual([id]);
      expect(await store.drafts.claim(id, 'acc-rev', 'reviewer', 'reconcile', 'outbox')).toBeUndefined();
      expect(await store.drafts.claim(id, 'acc-rev', 'reviewer', 'reconcile', 'jira')).toMatchObject({ status: 'executing', attempts: 2 });
    } finally {
      await store.close();
    }
  });

  it('the quota sees the drafter\'s count since the given time, and a refusal creates nothing', async () => {
    const store = await backend.open();
    try {
      const cap = (count: number) => {
        if (count >= 2) throw new PolicyDeniedError('hourly cap');
      };
      const since = new Date(Date.now() - 3_600_000);
      await store.drafts.createWithinQuota(draft({ payload: { n: 1 } }), { since, authorize: cap });
      await store.drafts.createWithinQuota(draft({ payload: { n: 2 } }), { since, authorize: cap });
      await expect(store.drafts.createWithinQuota(draft({ payload: { n: 3 } }), { since, authorize: cap })).rejects.toThrow('hourly cap');
      await store.drafts.createWithinQuota(draft({ drafter: 'acc-dan', payload: { n: 3 } }), { since, authorize: cap });
      expect(await store.drafts.countCreatedSince('acc-carol', since)).toBe(2);
      expect(await store.drafts.countCreatedSince('acc-carol', new Date(Date.now() + 60_000))).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('the question log and the gate\'s audit rows read back as written', async () => {
    const store = await backend.open();
    try {
      await store.questions.record({ actor: 'acc-carol', question: 'How do I reset the VPN?', status: 'answered', citedPageIds: ['101'], staleCited: 0, spaces: ['IT'], generator: 'extractive', latencyMs: 12.6 });
      await store.questions.record({ actor: 'acc-carol', question: 'Parking?', status: 'no_answer', citedPageIds: [], staleCited: 0, spaces: [], generator: 'extractive', latencyMs: 3 });
      expect(await store.questions.list({ status: 'answered' })).toMatchObject([{ question: 'How do I reset the VPN?', citedPageIds: ['101'], spaces: ['IT'], latencyMs: 13 }]);
      expect((await store.questions.list()).map((q) => q.status)).toEqual(['no_answer', 'answered']);
      store.audit.record({ actor: 'acc-carol', role: 'agent', tool: 'search_pages', action: 'search', decision: 'allow', reason: '3 results' });
      store.audit.record({ actor: 'acc-carol', role: 'agent', tool: 'get_page', action: 'read', decision: 'deny', subject: '7' });
      await store.audit.flush();
      expect(await store.audit.list({ decision: 'deny' })).toMatchObject([{ tool: 'get_page', subject: '7', reason: null, beforeHash: null }]);
      expect((await store.audit.list({ actor: 'acc-carol' })).map((r) => r.action)).toEqual(['read', 'search']);
    } finally {
      await store.close();
    }
  });

  it('the gate\'s rows recorded before a transition come before its row in the log', async () => {
    const store = await backend.open();
    try {
      // No flush between them: a backend that writes the gate's rows in the background must still keep this order.
      const pages = Array.from({ length: 30 }, (_, i) => String(1001 + i));
      for (const page of pages) store.audit.record({ actor: 'acc-carol', role: 'agent', tool: 'draft_jira', action: 'read', decision: 'allow', subject: page });
      const { id } = await store.drafts.create(draft());
      store.audit.record({ actor: 'acc-rev', role: 'reviewer', tool: 'approve_draft', action: 'read', decision: 'allow', subject: '1001' });
      await store.drafts.approve(id, 'acc-rev', 'reviewer', 1);
      const rows = (await store.audit.list()).reverse();
      expect(rows.map((r) => `${r.tool} ${r.action} ${r.subject}`)).toEqual([
        ...pages.map((page) => `draft_jira read ${page}`), `drafts create ${id}`, 'approve_draft read 1001', `drafts approve ${id}`,
      ]);
    } finally {
      await store.close();
    }
  });
});
