#!/usr/bin/env -S npx tsx
/**
 * Development aid: the refusal signals of every question of a set, one JSON line each, for
 * fitting the confidence blend (eval/fit-confidence.py) on *.dev.jsonl (and the older *.qa.jsonl)
 * only. Usage: npx tsx eval/features.ts SITE POLICY|- USER|- FILE… > features.jsonl
 */
import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { resolveConfig } from '../src/config.js'; import { createRuntime } from '../src/runtime.js';
import { type AnswerTrace, buildAnswer } from '../src/services/answers/answer-service.js';
import { createServices } from '../src/services/services.js';
import { readQuestions } from './run-answers.js';
const [site, policy, as, ...files] = process.argv.slice(2);
const runtime = await createRuntime(resolveConfig({ site, policy: policy === '-' ? undefined : policy, as: as === '-' ? undefined : as, dataDir: mkdtempSync(join(tmpdir(), 't-')) }, {}));
const services = createServices({ db: runtime.db, audit: runtime.audit });
const gate = runtime.gateFor(runtime.identity, 'agent');
for (const qa of readQuestions(files)) {
  const t: AnswerTrace = { evidence: 0, ranked: [] };
  await buildAnswer(gate, services, { question: qa.question, maxSources: 5 }, t);
  console.log(JSON.stringify({ id: qa.id, kind: qa.kind, goldFirst: qa.gold.includes(t.ranked[0]?.pageId ?? ''), ...t.features, absentTerm: t.absentTerm, missing: t.missing }));
}
