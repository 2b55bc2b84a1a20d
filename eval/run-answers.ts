#!/usr/bin/env -S npx tsx
/**
 * npm run eval:answers -- --site DIR --qa FILE[,FILE…] [--policy FILE] [--as USER] [--now ISO]
 *                         [--mode local|cloud|both] [--no-embedder] [--no-soft] [--answers key=value]…
 *                         [--verbose] [--json FILE]
 *
 * Runs question sets through the real answer_with_sources tool (a real MCP client against the
 * real server) — on the site folder itself (local mode) and on the same site served by the
 * loopback Confluence stub through confluence.js (cloud mode) — and prints, per mode: recall@1,
 * recall@5 and MRR of gold pages among the citations, the key fact in the answer and in answer +
 * cited passages, unanswerable refused, restricted-only refused (as the asking user) and cited
 * (as a member of the page's group), leaks, mean response characters, and the baseline: SQLite
 * FTS5 BM25 over whole pages with the question's words OR-ed (search_pages), recall@1 / @5.
 *
 * Question lines: {id, question, gold[], answer_hint, kind: answerable|unanswerable|restricted,
 * member?} (see eval/QA-SETS.md). Tune on *.dev.jsonl; report *.test.jsonl.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';
import { loadSiteFolder } from '../src/adapters/local/site-folder.js';
import { resolveConfig } from '../src/config.js';
import { type Runtime, createRuntime } from '../src/runtime.js';
import { createStewardServer } from '../src/server/create-server.js';
import { createServices } from '../src/services/services.js';
import { type ConfluenceStub, startConfluenceStub } from '../test/support/confluence-stub.js';
import { siteFolderOnStub, stubEmail } from '../test/support/site-on-stub.js';

const QaLine = z.object({
  id: z.string(),
  question: z.string(),
  gold: z.array(z.string()),
  answer_hint: z.string().default(''),
  kind: z.enum(['answerable', 'unanswerable', 'restricted']),
  member: z.string().optional(),
});
type Qa = z.infer<typeof QaLine>;

interface Outcome {
  qa: Qa;
  status: string;
  cited: string[];
  answer: string;
  passages: string;
  /** What of the reply could carry restricted content — citations, nearestPages, follow-up page ids, warnings — not its echoes of the question. */
  reply: string;
  chars: number;
  baseline: string[];
  /** The common agent flow without this tool: search, then read the top 3 pages whole. */
  readThree?: { chars: number; fact: boolean };
  /** Restricted questions asked as a member of the page's group. */
  member?: { status: string; cited: string[] };
}

const REFUSED = new Set(['insufficient_evidence', 'no_permitted_content']);

export function readQuestions(files: string[]): Qa[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((line, i) => {
        try {
          return QaLine.parse(JSON.parse(line));
        } catch (error) {
          throw new Error(`${file}:${i + 1}: ${(error as Error).message}`);
        }
      }),
  );
}

/** Whitespace- and Markdown-insensitive containment, as the question sets define a key fact. */
export function containsFact(text: string, hint: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[*`_]/g, '')
      .replace(/\s+/g, ' ')
      .toLowerCase()
      .trim();
  return hint.trim() !== '' && norm(text).includes(norm(hint));
}

interface Asker {
  /** The plain page search (FTS5 BM25 locally, Confluence's siteSearch on Cloud) in the source's own order. */
  baseline(text: string, limit: number): Promise<string[]>;
  call(name: string, args: Record<string, unknown>): Promise<{ structured: Record<string, unknown>; text: string; isError: boolean }>;
  close(): Promise<void>;
}

async function askerFor(runtime: Runtime, options: { now?: Date; embedder: boolean; softMatching: boolean }): Promise<Asker> {
  const services = createServices({
    db: runtime.db,
    audit: runtime.audit,
    now: options.now ? () => options.now! : undefined,
    persistPages: runtime.source.kind === 'confluence',
    embedder: options.embedder ? undefined : null,
    softMatching: options.softMatching,
    readBodiesForSearch: runtime.source.kind === 'local',
  });
  const server = createStewardServer({ gate: runtime.gateFor(runtime.identity, 'agent'), services, role: 'agent' });
  const client = new Client({ name: 'eval', version: '1' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  const gate = runtime.gateFor(runtime.identity, 'agent');
  return {
    async baseline(text, limit) {
      return (await gate.searchPages('eval', { text, limit })).map((page) => page.id);
    },
    async call(name, args) {
      const result = await client.callTool({ name, arguments: args });
      const text = ((result.content ?? []) as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
      return { structured: (result.structuredContent ?? {}) as Record<string, unknown>, text, isError: result.isError === true };
    },
    async close() {
      await client.close();
      await runtime.close();
    },
  };
}

export interface EvalOptions {
  site: string;
  qa: Qa[];
  policy?: string;
  as?: string;
  now?: Date;
  mode: 'local' | 'cloud';
  embedder: boolean;
  softMatching: boolean;
}

export async function evaluate(options: EvalOptions) {
  const dataDir = mkdtempSync(join(tmpdir(), 'steward-eval-'));
  let stub: ConfluenceStub | undefined;
  const siteUsers = loadSiteFolder(options.site).site.users;
  const askers = new Map<string, Asker>();
  const defaultRef = options.as ?? loadSiteFolder(options.site).site.defaultUser;
  const userFor = (ref: string | undefined) => siteUsers.find((u) => u.displayName === ref || u.email === ref || u.accountId === ref);
  try {
    if (options.mode === 'cloud') {
      stub = await startConfluenceStub({ ...siteFolderOnStub(options.site), latencyMs: 0 });
    }
    const asker = async (ref: string | undefined) => {
      const key = ref ?? '';
      let found = askers.get(key);
      if (found) return found;
      const dir = mkdtempSync(join(dataDir, 'user-'));
      let config;
      if (options.mode === 'local') {
        config = resolveConfig({ site: options.site, as: ref, policy: options.policy, dataDir: dir }, {});
      } else {
        const user = userFor(ref);
        if (!user) throw new Error(`cloud mode needs a site user, not ${JSON.stringify(ref)}`);
        config = resolveConfig(
          { policy: options.policy, dataDir: dir },
          { CONFLUENCE_URL: stub!.url, CONFLUENCE_USERNAME: stubEmail(user), CONFLUENCE_API_TOKEN: 'eval-token' },
        );
      }
      found = await askerFor(await createRuntime(config), options);
      askers.set(key, found);
      return found;
    };
    const main = await asker(defaultRef);
    const outcomes: Outcome[] = [];
    for (const qa of options.qa) {
      const result = await main.call('answer_with_sources', { question: qa.question });
      const body = result.structured as {
        status?: string;
        answer?: string | null;
        citations?: { pageId: string; passage: string }[];
        nearestPages?: { pageId: string; title: string }[];
        followUp?: { arguments?: { pageIds?: string[] }; likelyOwner?: string | null } | null;
        warnings?: string[];
      };
      const citations = body.citations ?? [];
      const outcome: Outcome = {
        qa,
        status: result.isError ? 'error' : (body.status ?? 'error'),
        cited: [...new Set(citations.map((c) => c.pageId))],
        answer: body.answer ?? '',
        passages: citations.map((c) => c.passage).join('\n'),
        reply: JSON.stringify([citations, body.nearestPages, body.followUp?.arguments?.pageIds, body.followUp?.likelyOwner, body.warnings]),
        chars: result.text.length,
        baseline: await main.baseline(qa.question, 5),
      };
      if (qa.kind === 'answerable') {
        let text = '';
        for (const id of outcome.baseline.slice(0, 3)) {
          const page = await main.call('get_page', { pageId: id, maxChars: 100_000 });
          text += `${(page.structured.markdown as string | undefined) ?? ''}\n`;
        }
        outcome.readThree = { chars: text.length, fact: containsFact(text, qa.answer_hint) };
      }
      if (qa.kind === 'restricted' && qa.member) {
        const member = await (await asker(qa.member)).call('answer_with_sources', { question: qa.question });
        const mb = member.structured as { status?: string; citations?: { pageId: string }[] };
        outcome.member = { status: member.isError ? 'error' : (mb.status ?? 'error'), cited: (mb.citations ?? []).map((c) => c.pageId) };
      }
      outcomes.push(outcome);
    }
    return { outcomes, summary: summarize(outcomes), requests: stub?.requests.length };
  } finally {
    for (const a of askers.values()) await a.close();
    await stub?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function summarize(outcomes: Outcome[]) {
  const of = (kind: Qa['kind']) => outcomes.filter((o) => o.qa.kind === kind);
  const answerable = of('answerable');
  const unanswerable = of('unanswerable');
  const restricted = of('restricted');
  const share = (items: Outcome[], test: (o: Outcome) => boolean) => (items.length === 0 ? null : items.filter(test).length / items.length);
  const gold = (o: Outcome, ids: string[]) => ids.findIndex((id) => o.qa.gold.includes(id));
  // A restricted page's id anywhere in the reply (citations, nearestPages, follow-up) or its key fact in any of its text.
  const leaked = (o: Outcome) =>
    o.qa.gold.some((g) => o.reply.includes(`"${g}"`)) || containsFact(`${o.answer}\n${o.passages}\n${o.reply}`, o.qa.answer_hint);
  return {
    questions: outcomes.length,
    byKind: { answerable: answerable.length, unanswerable: unanswerable.length, restricted: restricted.length },
    recallAt1: share(answerable, (o) => gold(o, o.cited) === 0),
    recallAt5: share(answerable, (o) => { const i = gold(o, o.cited); return i >= 0 && i < 5; }),
    mrr: answerable.length ? answerable.reduce((sum, o) => sum + (gold(o, o.cited) >= 0 ? 1 / (gold(o, o.cited) + 1) : 0), 0) / answerable.length : null,
    factInAnswer: share(answerable, (o) => containsFact(o.answer, o.qa.answer_hint)),
    factInAnswerOrPassages: share(answerable, (o) => containsFact(`${o.answer}\n${o.passages}`, o.qa.answer_hint)),
    answerableAnswered: share(answerable, (o) => !REFUSED.has(o.status) && o.status !== 'error'),
    unanswerableRefused: share(unanswerable, (o) => REFUSED.has(o.status)),
    restrictedRefused: share(restricted, (o) => REFUSED.has(o.status)),
    memberCited: share(restricted.filter((o) => o.member), (o) => o.qa.gold.some((g) => o.member!.cited.includes(g))),
    leaks: restricted.filter(leaked).length,
    errors: outcomes.filter((o) => o.status === 'error' || o.member?.status === 'error').length,
    meanChars: outcomes.length ? outcomes.reduce((sum, o) => sum + o.chars, 0) / outcomes.length : 0,
    baselineAt1: share(answerable, (o) => gold(o, o.baseline) === 0),
    readThreeFact: share(answerable, (o) => o.readThree?.fact === true),
    readThreeChars: answerable.length ? answerable.reduce((sum, o) => sum + (o.readThree?.chars ?? 0), 0) / answerable.length : 0,
    baselineAt5: share(answerable, (o) => gold(o, o.baseline) >= 0),
  };
}

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

export function printSummary(label: string, s: ReturnType<typeof summarize>): void {
  console.log(`== ${label}: ${s.questions} questions (answerable ${s.byKind.answerable}, unanswerable ${s.byKind.unanswerable}, restricted ${s.byKind.restricted})`);
  console.log(`recall@1 ${pct(s.recallAt1)}  recall@5 ${pct(s.recallAt5)}  MRR ${s.mrr?.toFixed(3) ?? '—'}   (baseline BM25 pages: @1 ${pct(s.baselineAt1)}, @5 ${pct(s.baselineAt5)})`);
  console.log(`key fact in answer ${pct(s.factInAnswer)}  in answer + passages ${pct(s.factInAnswerOrPassages)}  answerable answered ${pct(s.answerableAnswered)}`);
  console.log(`unanswerable refused ${pct(s.unanswerableRefused)}  restricted refused ${pct(s.restrictedRefused)}  member cited ${pct(s.memberCited)}`);
  console.log(`leaks ${s.leaks}  errors ${s.errors}  mean response ${Math.round(s.meanChars)} chars`);
  console.log(`search + read 3 pages whole (no answer tool): key fact ${pct(s.readThreeFact)} in ${Math.round(s.readThreeChars)} chars`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      site: { type: 'string' },
      qa: { type: 'string' },
      as: { type: 'string' },
      policy: { type: 'string' },
      now: { type: 'string' },
      mode: { type: 'string', default: 'local' },
      'no-embedder': { type: 'boolean' },
      'no-soft': { type: 'boolean' },
      answers: { type: 'string', multiple: true },
      verbose: { type: 'boolean' },
      json: { type: 'string' },
    },
  });
  if (!values.site || !values.qa || !['local', 'cloud', 'both'].includes(values.mode!)) {
    process.stderr.write('usage: npm run eval:answers -- --site DIR --qa FILE[,FILE] [--policy FILE] [--as USER] [--now ISO] [--mode local|cloud|both] [--no-embedder] [--no-soft] [--answers key=value]… [--verbose] [--json FILE]\n');
    process.exit(2);
  }
  const qa = readQuestions(values.qa.split(','));
  // --answers key=value (repeatable) overrides the policy's answers settings, for ablations.
  let policy = values.policy;
  if (values.answers?.length) {
    const base = JSON.parse(readFileSync(policy ?? join(process.cwd(), 'policies', 'default.json'), 'utf8')) as { answers?: Record<string, number> };
    base.answers = { ...base.answers, ...Object.fromEntries(values.answers.map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])])) };
    policy = join(mkdtempSync(join(tmpdir(), 'steward-eval-policy-')), 'policy.json');
    writeFileSync(policy, JSON.stringify(base));
  }
  const modes = values.mode === 'both' ? (['local', 'cloud'] as const) : [values.mode as 'local' | 'cloud'];
  const reports: Record<string, unknown> = {};
  let bad = false;
  for (const mode of modes) {
    const report = await evaluate({
      site: values.site,
      qa,
      policy,
      as: values.as,
      now: values.now ? new Date(values.now) : undefined,
      mode,
      embedder: !values['no-embedder'],
      softMatching: !values['no-soft'],
    });
    printSummary(mode, report.summary);
    reports[mode] = report;
    if (report.summary.leaks > 0 || report.summary.errors > 0) bad = true;
    if (values.verbose) {
      for (const o of report.outcomes) {
        const ok =
          o.qa.kind === 'answerable'
            ? o.cited[0] !== undefined && o.qa.gold.includes(o.cited[0]) && containsFact(o.answer, o.qa.answer_hint)
            : REFUSED.has(o.status);
        if (!ok) console.log(JSON.stringify({ id: o.qa.id, kind: o.qa.kind, status: o.status, q: o.qa.question, gold: o.qa.gold, cited: o.cited, hint: o.qa.answer_hint, base: o.baseline.slice(0, 3) }));
        if (o.member && !o.qa.gold.some((g) => o.member!.cited.includes(g))) {
          console.log(JSON.stringify({ id: o.qa.id, kind: 'restricted, as member', status: o.member.status, q: o.qa.question, gold: o.qa.gold, cited: o.member.cited }));
        }
      }
    }
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(reports, null, 1));
  if (bad) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`eval failed: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}
