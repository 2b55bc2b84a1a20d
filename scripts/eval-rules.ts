import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { evalResolver } from '../src/services/automation/eval-fixture.js';
import { evaluateRuleCases, formatReport, parseCasesJsonl } from '../src/services/automation/evaluate.js';
import { draftRule } from '../src/services/automation/pipeline.js';

/**
 * `npm run eval:rules -- --cases eval/rules.cases.jsonl [--failures]`
 * Runs the offline generator (the only one available without a client model) over the case
 * set against the eval fixture site and prints the metrics. Exit code 0 unless the file is bad.
 */
export async function runRulesEval(argv: string[]): Promise<string> {
  const at = argv.indexOf('--cases');
  const file = at >= 0 ? argv[at + 1] : 'eval/rules.cases.jsonl';
  if (!file) throw new Error('Usage: eval:rules -- --cases FILE [--failures]');
  const cases = parseCasesJsonl(await readFile(file, 'utf8'));
  const resolver = evalResolver();
  const report = await evaluateRuleCases(cases, (c) => draftRule({ prompt: c.prompt, ...(c.scope ? { spaceKey: c.scope } : {}), resolver, generator: 'offline' }));
  return formatReport(report, { failures: argv.includes('--failures') });
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
