import { mkdtempSync } from 'node:fs'; import { tmpdir } from 'node:os'; import { join } from 'node:path';
import { resolveConfig } from '../src/config.js'; import { createRuntime } from '../src/runtime.js';
import { type AnswerTrace, buildAnswer } from '../src/services/answers/answer-service.js';
import { createServices } from '../src/services/services.js';
import { readQuestions } from './run-answers.js';
const [site, policy, as, now, ids, ...files] = process.argv.slice(2);
const runtime = await createRuntime(resolveConfig({ site, policy: policy === '-' ? undefined : policy, as: as === '-' ? undefined : as, dataDir: mkdtempSync(join(tmpdir(), 't-')) }, {}));
const services = createServices({ db: runtime.db, audit: runtime.audit, ...(now !== '-' ? { now: () => new Date(now) } : {}) });
const gate = runtime.gateFor(runtime.identity, 'agent');
const want = new Set(ids.split(','));
for (const qa of readQuestions(files)) {
  if (!want.has(qa.id) && ids !== 'all') continue;
  const t: AnswerTrace = { evidence: 0, ranked: [] };
  const r = await buildAnswer(gate, services, { question: qa.question, maxSources: 5 }, t);
  const f = t.features!;
  console.log(qa.id, qa.kind, r.status, 'gold', qa.gold.join(','), '| conf', f?.confidence?.toFixed(3), 'absent', t.absentTerm, 'missing', t.missing?.term ?? '-');
  console.log('  ', Object.entries(f ?? {}).map(([k, v]) => `${k}=${(+v).toFixed(2)}`).join(' '));
  console.log('   ranked', t.ranked.slice(0, 5).map((x) => `${x.pageId}:${x.score.toFixed(2)}/ev${x.evidence.toFixed(2)}`).join(' '));
  console.log('   Q:', qa.question, '| hint:', qa.answer_hint);
}
