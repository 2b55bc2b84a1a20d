import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resolveConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import { createStewardServer } from '../src/server/create-server.js';
import type { AutomationDraftPayload } from '../src/services/automation/automation-drafts.js';
import { EVAL_SITE, evalResolver } from '../src/services/automation/eval-fixture.js';
import { type RuleCase, type ScorableResult, evaluateRuleCases, failedRun, formatReport, parseCasesJsonl } from '../src/services/automation/evaluate.js';
import { gateResolver } from '../src/services/automation/gate-resolver.js';
import { draftRule } from '../src/services/automation/pipeline.js';
import { primaryErrorKind } from '../src/services/automation/problems.js';
import type { RuleResolver, UnresolvedRef } from '../src/services/automation/resolution.js';
import { createServices } from '../src/services/services.js';
import { type WrittenSite, writeSite } from './site-writer.js';

/**
 * `npm run eval:rules -- [--cases FILE] [--site FILE|DIR] [--failures]`
 *
 * Runs the offline generator over a case set twice and prints both reports:
 * - `pipeline`: draftRule called directly;
 * - `tool`: the real tool path — an MCP client calls draft_automation_rule on a real server,
 *   through the policy gate, the gate resolver and the draft queue, and the queued draft is
 *   what gets scored. Tool errors (isError, exceptions) are counted apart from quality misses.
 *
 * `--site` is a site folder, or a JSON file in the site.json shape with a `pages` array (each
 * entry a page's front matter plus `body`, as eval/rules-site.json). Default: the fixture behind
 * eval/rules.cases.jsonl (the pipeline then uses its static resolver, as the cases were written for).
 * The evaluation writes its own policy: every site space readable and draftable, and a per-user
 * hourly draft cap high enough for the whole run. Exit code 0 unless the files are bad.
 */

const TOOL = 'draft_automation_rule';

interface SiteJson extends Omit<WrittenSite, 'pages'> {
  pages?: Array<Record<string, unknown> & { id: string; title: string; space: string; body?: string }>;
}

/** The default fixture as a site folder, so the tool path loads it through the real local source. */
function fixtureSite(): WrittenSite {
  const users = EVAL_SITE.users.map((u) => ({ ...u, groups: [] as string[] }));
  return {
    spaces: EVAL_SITE.spaces,
    groups: (EVAL_SITE.groups ?? []).map((g) => ({ name: g.name })),
    users: [{ accountId: 'u-eval', displayName: 'Rule Evaluator', email: 'eval@example.com', groups: [] }, ...users],
    defaultUser: 'u-eval',
    pages: EVAL_SITE.pages.map((p) => ({ id: p.id, title: p.title, space: p.spaceKey, body: p.title })),
  };
}

function siteFromJson(file: string): WrittenSite {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as SiteJson & Record<string, unknown>;
  const pages = (raw.pages ?? []).map((p) => ({ ...p, restrictions: p.restrictions ?? undefined, body: p.body ?? '' })) as WrittenSite['pages'];
  return { spaces: raw.spaces, groups: raw.groups, users: raw.users, defaultUser: raw.defaultUser, pages };
}

/** Where an unresolved reference sits in the rule the tool returned (the tool answer carries the path, not the value). */
function valueAtPath(rule: unknown, path: string): Record<string, unknown> {
  let at: unknown = rule;
  for (const part of path.replace(/\[(\d+)\]/g, '.$1').split('.')) {
    if (at === null || typeof at !== 'object') return {};
    at = (at as Record<string, unknown>)[part];
  }
  return at !== null && typeof at === 'object' ? (at as Record<string, unknown>) : {};
}

interface ToolAnswer {
  draftId: number | null;
  rule: ScorableResult['rule'];
  problems: ScorableResult['problems'];
  manualConfig: string[];
  unresolved: Array<Omit<UnresolvedRef, 'ref'>>;
  generator: ScorableResult['generator'];
  message: string;
}

export async function runRulesEval(argv: string[]): Promise<string> {
  const flag = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const file = flag('--cases') ?? 'eval/rules.cases.jsonl';
  const siteArg = flag('--site');
  const cases = parseCasesJsonl(readFileSync(file, 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'eval-rules-'));
  try {
    let siteDir: string;
    if (siteArg === undefined) siteDir = writeSite(join(work, 'site'), fixtureSite());
    else if (statSync(siteArg).isDirectory()) siteDir = siteArg;
    else siteDir = writeSite(join(work, 'site'), siteFromJson(siteArg));
    const site = JSON.parse(readFileSync(join(siteDir, 'site.json'), 'utf8')) as { spaces: Array<{ key: string }>; defaultUser?: string };
    const keys = site.spaces.map((s) => s.key);
    const policyFile = join(work, 'policy.json');
    // Evaluation policy: the whole site, and a draft cap that a long run cannot reach.
    writeFileSync(policyFile, JSON.stringify({ read: { spaces: keys }, draft: { spaces: keys }, labels: { deny: [] }, limits: { pendingDraftsPerHour: 1_000_000 } }));
    const config = resolveConfig({ site: siteDir, policy: policyFile, dataDir: join(work, 'data'), as: site.defaultUser }, {});
    const runtime = await createRuntime(config);
    const services = createServices({ db: runtime.db, audit: runtime.audit, issueTracker: runtime.issueTracker });
    const gate = runtime.gateFor(runtime.identity, 'agent');
    const server = createStewardServer({ gate, services, role: 'agent' });
    const client = new Client({ name: 'eval-rules', version: '1.0.0' });
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    try {
      const args = (c: RuleCase) => ({ prompt: c.prompt, ...(c.scope ? { spaceKey: c.scope } : {}) });
      const resolver: RuleResolver = siteArg === undefined ? evalResolver() : gateResolver(gate);
      const direct = await evaluateRuleCases(cases, async (c) => {
        try {
          return await draftRule({ ...args(c), resolver, generator: 'offline' });
        } catch (error) {
          return failedRun(c, 'offline', error instanceof Error ? error.message : String(error));
        }
      });
      const viaTool = await evaluateRuleCases(cases, async (c) => {
        try {
          const answer = (await client.callTool({ name: TOOL, arguments: args(c) })) as CallToolResult;
          const text = answer.content.map((b) => (b.type === 'text' ? b.text : '')).join(' ');
          if (answer.isError || !answer.structuredContent) return failedRun(c, 'offline', text.slice(0, 300));
          const out = answer.structuredContent as unknown as ToolAnswer;
          const payload = out.draftId === null ? undefined : ((await services.drafts.get(out.draftId)).payload as AutomationDraftPayload);
          return {
            usable: out.draftId !== null,
            rule: out.rule,
            problems: out.problems,
            errorKind: primaryErrorKind(out.problems),
            manualConfig: payload?.manualConfig ?? out.manualConfig.map((type) => ({ type, path: '', reason: '' })),
            resolved: payload?.resolved ?? [],
            unresolved: payload?.unresolved ?? out.unresolved.map((u) => ({ ...u, ref: valueAtPath(out.rule, u.path) })),
            generator: out.generator,
            explanations: out.draftId === null ? [out.message] : [],
          };
        } catch (error) {
          return failedRun(c, 'offline', error instanceof Error ? error.message : String(error));
        }
      });
      const failures = argv.includes('--failures');
      return [`pipeline (draftRule directly):`, formatReport(direct, { failures }), `tool (MCP → ${TOOL} → gate, resolver, draft queue):`, formatReport(viaTool, { failures })].join('\n');
    } finally {
      await client.close();
      await server.close();
      await runtime.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runRulesEval(process.argv.slice(2)).then(
    (out) => console.log(out),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
