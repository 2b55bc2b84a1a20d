#!/usr/bin/env node
/**
 * npm run eval:answers -- --site DIR --qa FILE [--as USER] [--policy FILE] [--verbose]
 *
 * Runs a JSONL question set through the real answer_with_sources tool (a real MCP client
 * against the real server, on the given site folder) and prints recall@k of gold pages among
 * citations, answer-hint containment, the share of unanswerable and restricted questions
 * correctly refused, and leaks (must be zero).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from 'zod';
import { resolveConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import { createStewardServer } from '../src/server/create-server.js';
import { createServices } from '../src/services/services.js';

const QaLine = z.object({
  id: z.string(),
  question: z.string(),
  gold: z.array(z.string()),
  answer_hint: z.string().default(''),
  kind: z.enum(['answerable', 'unanswerable', 'restricted']),
});
type Qa = z.infer<typeof QaLine>;

interface Outcome {
  qa: Qa;
  status: string;
  cited: string[];
  answer: string | null;
  ms: number;
}

export async function evaluateAnswers(options: { site: string; qa: string; as?: string; policy?: string; now?: Date }) {
  const lines = readFileSync(options.qa, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const questions = lines.map((line, i) => {
    try {
      return QaLine.parse(JSON.parse(line));
    } catch (error) {
      throw new Error(`${options.qa}:${i + 1}: ${(error as Error).message}`);
    }
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'steward-eval-'));
  const runtime = await createRuntime(resolveConfig({ site: options.site, as: options.as, policy: options.policy, dataDir }, {}));
  const services = createServices({ db: runtime.db, audit: runtime.audit, now: options.now ? () => options.now! : undefined });
  const server = createStewardServer({ gate: runtime.gateFor(runtime.identity, 'agent'), services, role: 'agent' });
  const client = new Client({ name: 'eval', version: '1' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  const outcomes: Outcome[] = [];
  try {
    for (const qa of questions) {
      const started = performance.now();
      const result = await client.callTool({ name: 'answer_with_sources', arguments: { question: qa.question } });
      const body = (result.structuredContent ?? {}) as { status?: string; answer?: string | null; citations?: { pageId: string }[] };
      outcomes.push({
        qa,
        status: result.isError ? 'error' : (body.status ?? 'error'),
        cited: (body.citations ?? []).map((c) => c.pageId),
        answer: body.answer ?? null,
        ms: performance.now() - started,
      });
    }
  } finally {
    await client.close();
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return summarize(outcomes);
}

const REFUSED = new Set(['insufficient_evidence', 'no_permitted_content']);

function summarize(outcomes: Outcome[]) {
  const answerable = outcomes.filter((o) => o.qa.kind === 'answerable');
  const unanswerable = outcomes.filter((o) => o.qa.kind === 'unanswerable');
  const restricted = outcomes.filter((o) => o.qa.kind === 'restricted');
  const share = (items: Outcome[], test: (o: Outcome) => boolean) => (items.length === 0 ? null : items.filter(test).length / items.length);
  const recall = (o: Outcome) => o.qa.gold.filter((g) => o.cited.includes(g)).length / Math.max(1, o.qa.gold.length);
  const leaks = restricted.filter(
    (o) => o.qa.gold.some((g) => o.cited.includes(g)) || (o.qa.answer_hint !== '' && (o.answer ?? '').toLowerCase().includes(o.qa.answer_hint.toLowerCase())),
  );
  const latencies = outcomes.map((o) => o.ms).sort((x, y) => x - y);
  return {
    questions: outcomes.length,
    byKind: { answerable: answerable.length, unanswerable: unanswerable.length, restricted: restricted.length },
    answered: share(answerable, (o) => !REFUSED.has(o.status) && o.status !== 'error'),
    recallAtK: answerable.length ? answerable.reduce((sum, o) => sum + recall(o), 0) / answerable.length : null,
    anyGoldCited: share(answerable, (o) => o.qa.gold.some((g) => o.cited.includes(g))),
    hintContained: share(answerable, (o) => o.qa.answer_hint !== '' && (o.answer ?? '').toLowerCase().includes(o.qa.answer_hint.toLowerCase())),
    unanswerableRefused: share(unanswerable, (o) => REFUSED.has(o.status)),
    restrictedRefused: share(restricted, (o) => REFUSED.has(o.status) || !o.qa.gold.some((g) => o.cited.includes(g))),
    leaks: leaks.length,
    errors: outcomes.filter((o) => o.status === 'error').length,
    latencyMs: { p50: latencies[Math.floor(latencies.length / 2)] ?? 0, max: latencies[latencies.length - 1] ?? 0 },
    failures: outcomes
      .filter((o) =>
        o.qa.kind === 'answerable'
          ? REFUSED.has(o.status) || !o.qa.gold.some((g) => o.cited.includes(g)) || !(o.answer ?? '').toLowerCase().includes(o.qa.answer_hint.toLowerCase())
          : !REFUSED.has(o.status),
      )
      .map((o) => ({ id: o.qa.id, kind: o.qa.kind, status: o.status, question: o.qa.question, gold: o.qa.gold, cited: o.cited, hint: o.qa.answer_hint, answer: o.answer?.slice(0, 300) ?? null })),
  };
}

function pct(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)}%`;
}

async function main() {
  const { values } = parseArgs({
    options: { site: { type: 'string' }, qa: { type: 'string' }, as: { type: 'string' }, policy: { type: 'string' }, verbose: { type: 'boolean' }, now: { type: 'string' } },
  });
  if (!values.site || !values.qa) {
    process.stderr.write('usage: npm run eval:answers -- --site DIR --qa FILE [--as USER] [--policy FILE] [--now ISO] [--verbose]\n');
    process.exit(2);
  }
  const report = await evaluateAnswers({ site: values.site, qa: values.qa, as: values.as, policy: values.policy, now: values.now ? new Date(values.now) : undefined });
  console.log(`questions            ${report.questions} (answerable ${report.byKind.answerable}, unanswerable ${report.byKind.unanswerable}, restricted ${report.byKind.restricted})`);
  console.log(`answered             ${pct(report.answered)} of answerable`);
  console.log(`recall@k (gold)      ${pct(report.recallAtK)}  (any gold cited ${pct(report.anyGoldCited)})`);
  console.log(`hint in answer       ${pct(report.hintContained)}`);
  console.log(`unanswerable refused ${pct(report.unanswerableRefused)}`);
  console.log(`restricted refused   ${pct(report.restrictedRefused)}`);
  console.log(`leaks                ${report.leaks}`);
  console.log(`errors               ${report.errors}`);
  console.log(`latency p50 / max    ${report.latencyMs.p50.toFixed(1)} ms / ${report.latencyMs.max.toFixed(1)} ms`);
  if (values.verbose) for (const failure of report.failures) console.log(JSON.stringify(failure));
  if (report.leaks > 0 || report.errors > 0) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`eval failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
