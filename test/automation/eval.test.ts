import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evalResolver } from '../../src/services/automation/eval-fixture.js';
import { configValueMatches, evaluateRuleCases, failedRun, formatReport, parseCasesJsonl, scoreCase } from '../../src/services/automation/evaluate.js';
import { CATALOG } from '../../src/services/automation/catalog.js';
import { draftRule } from '../../src/services/automation/pipeline.js';

const cases = parseCasesJsonl(readFileSync(new URL('../../eval/rules.cases.jsonl', import.meta.url), 'utf8'));

describe('eval/rules.cases.jsonl', () => {
  it('has at least 45 well-formed, uniquely named cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
    const names = new Set(CATALOG.map((e) => e.type));
    for (const c of cases) {
      if (c.expect.trigger) expect(names.has(c.expect.trigger)).toBe(true);
      for (const t of [...c.expect.components, ...c.expect.manualConfig]) expect(names.has(t)).toBe(true);
    }
  });

  it('covers every error kind with at least 8 error cases, manual-config cases and both scopes', () => {
    const kinds = cases.map((c) => c.expect.errorKind).filter(Boolean);
    expect(kinds.length).toBeGreaterThanOrEqual(8);
    expect(new Set(kinds)).toEqual(new Set(['no_trigger', 'multiple_triggers', 'unsupported', 'excluded_component']));
    expect(cases.filter((c) => c.expect.manualConfig.length > 0).length).toBeGreaterThanOrEqual(5);
    expect(cases.some((c) => c.scope === null) && cases.some((c) => c.scope !== null)).toBe(true);
    expect(cases.filter((c) => c.expect.resolution?.length).length).toBeGreaterThanOrEqual(8);
    // Varied phrasing: not mostly "when a page …".
    expect(cases.filter((c) => /^when a page/i.test(c.prompt)).length).toBeLessThan(cases.length / 3);
  });

  it('rejects malformed lines with the line number', () => {
    expect(() => parseCasesJsonl('{"id":"x","prompt":"p","scope":null,"expect":{"outcome":"maybe"}}')).toThrow(/line 1/);
  });

  it('measures the offline generator (trigger, component set, error kind, resolution)', async () => {
    const resolver = evalResolver();
    const report = await evaluateRuleCases(cases, (c) => draftRule({ prompt: c.prompt, ...(c.scope ? { spaceKey: c.scope } : {}), resolver }));
    console.log(formatReport(report, { failures: true }));
    const m = report.byGenerator.offline!;
    expect(m.cases).toBe(cases.length);
    // Floors, not targets: the shipped set is also a regression guard for the offline patterns.
    expect(m.triggerAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(m.componentSetExactMatch).toBeGreaterThanOrEqual(0.85);
    expect(m.errorKindAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(m.resolutionAccuracy).toBeGreaterThanOrEqual(0.85);
  });

  it('scores a case field by field', async () => {
    const c = cases.find((x) => x.id === 'blog-example-global')!;
    const result = await draftRule({ prompt: c.prompt, resolver: evalResolver() });
    expect(scoreCase(c, result)).toMatchObject({ trigger: { ok: true }, components: { ok: true }, errorKind: { ok: true }, resolution: [{ ref: 'Decisions', actual: 'ambiguous', ok: true }] });
    const wrong = scoreCase({ ...c, expect: { ...c.expect, trigger: 'PageEditedTrigger' } }, result);
    expect(wrong.trigger.ok).toBe(false);
  });
});

describe('config and reportsProblem expectations (eval/RULES-UNSEEN.md semantics)', () => {
  const base = { id: 'c', scope: null, prompt: 'When a page is published, add the label Triage', expect: { outcome: 'draft', trigger: 'PagePublishedTrigger', components: ['AddLabelAction'], errorKind: null, manualConfig: [] } };

  it('matches strings case-insensitively, arrays as sets, $contains for free text, and fails a missing path', () => {
    expect(configValueMatches(' Verified ', 'verified')).toBe(true);
    expect(configValueMatches(['MON', 'TUE'], ['tue', 'MON', 'MON'])).toBe(true);
    expect(configValueMatches(['MON', 'TUE'], ['MON'])).toBe(false);
    expect(configValueMatches({ $contains: '{{now' }, 'Checked on {{now.shortDate}}')).toBe(true);
    expect(configValueMatches({ $contains: 'sales' }, ['#general', '#sales-wins'])).toBe(true);
    expect(configValueMatches(30, 30)).toBe(true);
    expect(configValueMatches(30, '30')).toBe(false);
    expect(configValueMatches('x', undefined)).toBe(false);
  });

  it('passes a stated value and fails a wrong one, per type and in the metrics', async () => {
    const [good, bad] = parseCasesJsonl(
      [
        JSON.stringify({ ...base, id: 'good', expect: { ...base.expect, config: { AddLabelAction: { labels: ['triage'] } } } }),
        JSON.stringify({ ...base, id: 'bad', expect: { ...base.expect, config: { AddLabelAction: { labels: ['urgent'] }, PagePublishedTrigger: { nope: 1 } } } }),
      ].join('\n'),
    );
    const result = await draftRule({ prompt: base.prompt, resolver: evalResolver() });
    expect(scoreCase(good, result).config).toEqual([{ type: 'AddLabelAction', ok: true, failed: [] }]);
    const scored = scoreCase(bad, result);
    expect(scored.config.map((x) => x.ok)).toEqual([false, false]);
    expect(scored.config[0].failed[0]).toMatch(/^labels=/);
    const report = await evaluateRuleCases([good, bad], async () => result);
    expect(report.overall.configAccuracy).toBe(0.5);
    expect(report.overall.configChecks).toBe(2);
    expect(formatReport(report, { failures: true })).toMatch(/✗ bad .*config AddLabelAction/);
  });

  it('requires a reviewer-facing problem that names the dropped part', async () => {
    const [c] = parseCasesJsonl(JSON.stringify({ ...base, expect: { ...base.expect, reportsProblem: 'PDF' } }));
    const result = await draftRule({ prompt: base.prompt, resolver: evalResolver() });
    expect(scoreCase(c, result).reportsProblem).toEqual({ expected: 'PDF', ok: false });
    const withProblem = { ...result, problems: [...result.problems, { kind: 'unsupported' as const, message: 'I could not export a pdf.' }] };
    expect(scoreCase(c, withProblem).reportsProblem?.ok).toBe(true);
    expect(scoreCase(c, { ...result, explanations: ['No draft: exporting to PDF is not supported.'] }).reportsProblem?.ok).toBe(true);
  });

  it('counts a failed run as a tool error apart from quality, and as a miss on every check', async () => {
    const [c] = parseCasesJsonl(JSON.stringify(base));
    const report = await evaluateRuleCases([c], async (x) => failedRun(x, 'offline', 'Draft limit reached'));
    expect(report.overall.toolErrors).toBe(1);
    expect(report.overall.outcomeAccuracy).toBe(0);
    expect(report.outcomes[0].trigger.ok).toBe(false);
  });

  it('rejects unknown operators in config expectations', () => {
    expect(() => parseCasesJsonl(JSON.stringify({ ...base, expect: { ...base.expect, config: { AddLabelAction: { labels: { $regex: 'x' } } } } }))).toThrow(/line 1/);
  });
});
