import { afterEach, describe, expect, it } from 'vitest';
import { annotationsFor } from '../../tools/define-tool.js';
import { allTools } from '../../tools/registry.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

/**
 * Issue 15: annotations say what a tool can do, checked against what its handler does.
 * Each tool declares `writes`; annotations derive readOnlyHint from it. This test calls every
 * tool through a real MCP client and compares the draft queue (drafts, revisions, outbox)
 * before and after each call: a tool declared `writes: false` must never change it, a tool
 * declared `writes: true` must change it in at least one of its calls. Audit rows and the
 * question log are the server's own records of a call, not effects, and are not compared.
 */
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

interface Ctx {
  jiraDraft?: number;
  otherDraft?: number;
}

interface Step {
  tool: string;
  as: 'agent' | 'reviewer';
  args: (ctx: Ctx, reviewer: Harness) => Promise<Record<string, unknown>> | Record<string, unknown>;
  after?: (structured: Record<string, unknown>, ctx: Ctx) => void;
}

const revisionOf = async (reviewer: Harness, draftId: number) =>
  ((await reviewer.call('get_draft', { draftId })).structuredContent as { revision: number }).revision;

/** Every tool at least once, readers before and after the writers, on real data. */
const STEPS: Step[] = [
  { tool: 'search_pages', as: 'agent', args: () => ({ query: 'VPN' }) },
  { tool: 'get_page', as: 'agent', args: () => ({ pageId: '1001' }) },
  { tool: 'browse_pages', as: 'agent', args: () => ({}) },
  { tool: 'browse_pages', as: 'agent', args: () => ({ page: '1000' }) },
  { tool: 'answer_with_sources', as: 'agent', args: () => ({ question: 'What is the VPN gateway?' }) },
  { tool: 'get_automation_catalog', as: 'agent', args: () => ({ types: ['PagePublishedTrigger'] }) },
  { tool: 'flag_stale', as: 'agent', args: () => ({ spaces: ['IT'] }) },
  {
    tool: 'draft_jira',
    as: 'agent',
    args: () => ({ summary: 'Document the VPN gateway for Linux', pageIds: ['1001'] }),
    after: (s, ctx) => (ctx.jiraDraft = s.draftId as number),
  },
  {
    tool: 'draft_jira',
    as: 'agent',
    args: () => ({ summary: 'Explain printer release jobs', pageIds: ['1002'] }),
    after: (s, ctx) => (ctx.otherDraft = s.draftId as number),
  },
  { tool: 'flag_stale', as: 'agent', args: () => ({ spaces: ['IT'], staleAfterDays: 1, draft: true }) },
  {
    tool: 'draft_automation_rule',
    as: 'agent',
    args: () => ({
      prompt: 'label new pages',
      spaceKey: 'IT',
      rule: { title: 'Label new pages', trigger: { type: 'PagePublishedTrigger', config: {} }, components: [{ type: 'AddLabelAction', config: { labels: ['new'] } }] },
    }),
  },
  { tool: 'list_drafts', as: 'reviewer', args: () => ({}) },
  { tool: 'get_draft', as: 'reviewer', args: (ctx) => ({ draftId: ctx.jiraDraft }) },
  { tool: 'trust_report', as: 'reviewer', args: () => ({}) },
  { tool: 'edit_draft', as: 'reviewer', args: (ctx) => ({ draftId: ctx.jiraDraft, summary: 'Document the VPN gateway for Linux users' }) },
  { tool: 'approve_draft', as: 'reviewer', args: async (ctx, reviewer) => ({ draftId: ctx.jiraDraft, revision: await revisionOf(reviewer, ctx.jiraDraft!) }) },
  { tool: 'reject_draft', as: 'reviewer', args: (ctx) => ({ draftId: ctx.otherDraft, reason: 'Already documented elsewhere' }) },
  { tool: 'list_drafts', as: 'reviewer', args: () => ({ status: 'executed' }) },
  { tool: 'get_draft', as: 'reviewer', args: (ctx) => ({ draftId: ctx.jiraDraft }) },
  { tool: 'trust_report', as: 'reviewer', args: () => ({ days: 30 }) },
  { tool: 'browse_pages', as: 'reviewer', args: () => ({ title: 'VPN setup', space: 'IT' }) },
];

function queueState(harness: Harness): string {
  const db = harness.runtime.db;
  return JSON.stringify(['drafts', 'draft_revisions', 'outbox'].map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()));
}

describe('tool annotations match what handlers do', () => {
  it('every tool has a step here', () => {
    const covered = new Set(STEPS.map((s) => s.tool));
    expect(allTools.map((t) => t.name).filter((name) => !covered.has(name))).toEqual([]);
  });

  it('declares writes consistently with access: tools open in read-only mode never write, draft tools do', () => {
    for (const tool of allTools) {
      expect(typeof tool.writes, tool.name).toBe('boolean');
      if (tool.access === 'read') expect(tool.writes, tool.name).toBe(false);
      if (tool.access === 'draft') expect(tool.writes, tool.name).toBe(true);
      expect(annotationsFor(tool).readOnlyHint, tool.name).toBe(!tool.writes);
    }
  });

  it('list_drafts, get_draft and trust_report say readOnlyHint: true over MCP', async () => {
    const reviewer = await startHarness({ as: USERS.hr.email, role: 'reviewer' });
    open.push(reviewer);
    const { tools } = await reviewer.client.listTools();
    const hint = (name: string) => tools.find((t) => t.name === name)?.annotations?.readOnlyHint;
    expect(['list_drafts', 'get_draft', 'trust_report'].map(hint)).toEqual([true, true, true]);
    expect(['edit_draft', 'approve_draft', 'reject_draft'].map(hint)).toEqual([false, false, false]);
  });

  it('read-only tools leave the draft queue untouched; writing tools change it', async () => {
    const fixture = writeFixture();
    const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir };
    const agent = await startHarness({ ...common, as: USERS.employee.email });
    const reviewer = await startHarness({ ...common, as: USERS.hr.email, role: 'reviewer' });
    open.push(agent, reviewer);
    const listed = new Map<string, boolean | undefined>();
    for (const h of [agent, reviewer]) for (const t of (await h.client.listTools()).tools) listed.set(t.name, t.annotations?.readOnlyHint);

    const ctx: Ctx = {};
    const wrote = new Map<string, boolean>();
    for (const step of STEPS) {
      const harness = step.as === 'agent' ? agent : reviewer;
      const args = await step.args(ctx, reviewer);
      const before = queueState(harness);
      const result = await harness.call(step.tool, args);
      expect(result.isError, `${step.tool}: ${textOf(result)}`).toBeFalsy();
      const changed = queueState(harness) !== before;
      wrote.set(step.tool, (wrote.get(step.tool) ?? false) || changed);
      step.after?.(result.structuredContent as Record<string, unknown>, ctx);
      const tool = allTools.find((t) => t.name === step.tool)!;
      if (!tool.writes) expect(changed, `${step.tool} is declared read-only but changed the draft queue`).toBe(false);
    }
    for (const tool of allTools) {
      expect(wrote.get(tool.name), `${tool.name}: declared writes ${tool.writes}`).toBe(tool.writes);
      expect(listed.get(tool.name), `${tool.name} readOnlyHint over MCP`).toBe(!tool.writes);
    }
  });
});
