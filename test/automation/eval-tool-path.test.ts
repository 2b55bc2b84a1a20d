import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRulesEval } from '../../scripts/eval-rules.js';

describe('npm run eval:rules', () => {
  it('runs cases through the pipeline and through the real tool path on a site JSON, more drafts than the default hourly cap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-tool-'));
    // 25 drafts: above the default cap of 20 per user and hour, which the evaluation policy lifts.
    const lines = readFileSync(new URL('../../eval/rules-unseen.dev.jsonl', import.meta.url), 'utf8').trim().split('\n').slice(0, 5);
    const cases = Array.from({ length: 5 }, (_, i) => lines.map((l) => JSON.stringify({ ...JSON.parse(l), prompt: `${JSON.parse(l).prompt} (${i})` }))).flat();
    writeFileSync(join(dir, 'cases.jsonl'), cases.join('\n'));
    const out = await runRulesEval(['--cases', join(dir, 'cases.jsonl'), '--site', 'eval/rules-site.json']);
    const [pipeline, tool] = out.split(/^tool /m);
    expect(pipeline).toMatch(/offline: 25 cases/);
    expect(tool).toMatch(/offline: 25 cases .*\| tool errors 0$/m);
  }, 60_000);
});
