import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evalResolver } from '../../src/services/automation/eval-fixture.js';
import { evaluateRuleCases, formatReport, parseCasesJsonl, scoreCase } from '../../src/services/automation/evaluate.js';
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
