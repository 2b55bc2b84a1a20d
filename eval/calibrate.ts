#!/usr/bin/env -S npx tsx
/**
 * Development aid: the evidence score of every question of a set (local mode), to calibrate
 * the refusal signals (see src/services/answers/confidence.ts) on *.dev.jsonl. Prints one line per question and, per candidate
 * threshold, the share of answerable questions answered and of unanswerable / restricted ones
 * refused. Usage: npx tsx eval/calibrate.ts --site DIR --qa FILE [--policy FILE] [--as USER]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import { type AnswerTrace, buildAnswer } from '../src/services/answers/answer-service.js';
import { createServices } from '../src/services/services.js';
import { readQuestions } from './run-answers.js';

const { values } = parseArgs({ options: { site: { type: 'string' }, qa: { type: 'string' }, policy: { type: 'string' }, as: { type: 'string' }, 'no-embedder': { type: 'boolean' } } });
const dataDir = mkdtempSync(join(tmpdir(), 'steward-cal-'));
const runtime = await createRuntime(resolveConfig({ site: values.site, policy: values.policy, as: values.as, dataDir }, {}));
const services = createServices({ db: runtime.db, audit: runtime.audit, embedder: values['no-embedder'] ? null : undefined });
const gate = runtime.gateFor(runtime.identity, 'agent');
const rows: { kind: string; evidence: number; goldFirst: boolean }[] = [];
for (const qa of readQuestions(values.qa!.split(','))) {
  const trace: AnswerTrace = { evidence: 0, ranked: [] };
  await buildAnswer(gate, services, { question: qa.question, maxSources: 5 }, trace);
  const goldFirst = trace.ranked[0] !== undefined && qa.gold.includes(trace.ranked[0].pageId);
  rows.push({ kind: qa.kind, evidence: trace.evidence, goldFirst });
  const absentMax = trace.missing?.rarity ?? 0;
  const f = trace.ranked[0]?.features ?? {};
  console.log(`${qa.kind.padEnd(12)} ${trace.evidence.toFixed(3)} ${absentMax.toFixed(2)} ${(f.sentence ?? 0).toFixed(3)} ${f.answerType ?? 0} ${(f.semantic ?? 0).toFixed(3)} ${(trace.ranked[0]?.score ?? 0).toFixed(3)} ${goldFirst ? 'gold ' : '     '} ${qa.id} ${qa.question.slice(0, 80)} | ${trace.missing?.term ?? ''}`);
}
for (let t = 0.3; t <= 0.85; t += 0.025) {
  const share = (kind: string, test: (r: (typeof rows)[number]) => boolean) => {
    const of = rows.filter((r) => r.kind === kind);
    return of.length ? ((of.filter(test).length / of.length) * 100).toFixed(0).padStart(4) : '   —';
  };
  console.log(
    `t=${t.toFixed(3)} answered ${share('answerable', (r) => r.evidence >= t)}%  answered+gold@1 ${share('answerable', (r) => r.evidence >= t && r.goldFirst)}%  unanswerable refused ${share('unanswerable', (r) => r.evidence < t)}%  restricted refused ${share('restricted', (r) => r.evidence < t)}%`,
  );
}
await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
