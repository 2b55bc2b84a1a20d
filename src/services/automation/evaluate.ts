import { z } from 'zod';
import type { GeneratorKind } from './generator.js';
import type { DraftRuleResult } from './pipeline.js';
import { REQUEST_ERROR_KINDS } from './problems.js';
import { componentTypes } from './rule-schema.js';

/**
 * Evaluation of NL → rule drafting on a JSONL case set (`eval/rules.cases.jsonl`). Metrics
 * per generator: trigger accuracy, component-set exact match, error-kind accuracy and
 * resolution accuracy, plus outcome (draft / error) and manual-config accuracy.
 */

const RefExpectation = z.strictObject({
  /** What the reference names: page title, space key or name, user name or email, group name. */
  ref: z.string().min(1),
  status: z.enum(['resolved', 'ambiguous', 'not_found']),
  /** For resolved references: the id it must resolve to. */
  id: z.string().optional(),
});

export const RuleCaseSchema = z.strictObject({
  id: z.string().min(1),
  prompt: z.string().min(1).max(2000),
  scope: z.string().min(1).nullable(),
  expect: z.strictObject({
    outcome: z.enum(['draft', 'error']),
    trigger: z.string().nullable(),
    components: z.array(z.string()),
    errorKind: z.enum(REQUEST_ERROR_KINDS).nullable(),
    manualConfig: z.array(z.string()).default([]),
    resolution: z.array(RefExpectation).optional(),
  }),
});
export type RuleCase = z.infer<typeof RuleCaseSchema>;

export function parseCasesJsonl(text: string): RuleCase[] {
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('//'))
    .map(({ line, n }) => {
      const parsed = RuleCaseSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`Case on line ${n}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return parsed.data;
    });
}

export interface Metrics {
  cases: number;
  triggerAccuracy: number;
  componentSetExactMatch: number;
  errorKindAccuracy: number;
  outcomeAccuracy: number;
  manualConfigAccuracy: number;
  /** Share of expected reference outcomes met; null when no case checks resolution. */
  resolutionAccuracy: number | null;
  resolutionChecks: number;
}

export interface CaseOutcome {
  id: string;
  generator: GeneratorKind;
  trigger: { expected: string | null; actual: string | null; ok: boolean };
  components: { expected: string[]; actual: string[]; ok: boolean };
  errorKind: { expected: string | null; actual: string | null; ok: boolean };
  outcome: { expected: 'draft' | 'error'; actual: 'draft' | 'error'; ok: boolean };
  manualConfig: { expected: string[]; actual: string[]; ok: boolean };
  resolution: Array<{ ref: string; expected: string; actual: string; ok: boolean }>;
}

export interface EvaluationReport {
  overall: Metrics;
  byGenerator: Partial<Record<GeneratorKind, Metrics>>;
  outcomes: CaseOutcome[];
}

const sortedUnique = (xs: string[]) => [...new Set(xs)].sort();
const sameSet = (a: string[], b: string[]) => JSON.stringify(sortedUnique(a)) === JSON.stringify(sortedUnique(b));

function refStrings(ref: Record<string, unknown>): string[] {
  return ['pageTitle', 'spaceKey', 'spaceName', 'displayName', 'email', 'groupName'].flatMap((k) => (typeof ref[k] === 'string' ? [String(ref[k]).toLowerCase()] : []));
}

function refOutcome(result: DraftRuleResult, ref: string): { status: string; id?: string } {
  const key = ref.toLowerCase();
  const r = result.resolved.find((x) => refStrings(x.ref).includes(key) && (x.kind !== 'page' || String(x.ref.pageTitle).toLowerCase() === key));
  if (r) return { status: 'resolved', id: r.id };
  const u = result.unresolved.find((x) => refStrings(x.ref).includes(key));
  if (u) return { status: u.reason };
  return { status: 'absent' };
}

export function scoreCase(c: RuleCase, result: DraftRuleResult): CaseOutcome {
  const actualTrigger = result.rule?.trigger?.type ?? null;
  const actualComponents = result.rule && result.usable ? sortedUnique(componentTypes(result.rule)) : [];
  const actualManual = sortedUnique(result.manualConfig.map((m) => m.type));
  const actualOutcome = result.usable ? 'draft' : 'error';
  return {
    id: c.id,
    generator: result.generator,
    trigger: { expected: c.expect.trigger, actual: actualTrigger, ok: c.expect.trigger === actualTrigger },
    components: { expected: sortedUnique(c.expect.components), actual: actualComponents, ok: sameSet(c.expect.components, actualComponents) },
    errorKind: { expected: c.expect.errorKind, actual: result.errorKind, ok: c.expect.errorKind === result.errorKind },
    outcome: { expected: c.expect.outcome, actual: actualOutcome, ok: c.expect.outcome === actualOutcome },
    manualConfig: { expected: sortedUnique(c.expect.manualConfig), actual: actualManual, ok: sameSet(c.expect.manualConfig, actualManual) },
    resolution: (c.expect.resolution ?? []).map((e) => {
      const got = refOutcome(result, e.ref);
      const ok = got.status === e.status && (e.id === undefined || got.id === e.id);
      return { ref: e.ref, expected: e.id ? `${e.status}:${e.id}` : e.status, actual: got.id ? `${got.status}:${got.id}` : got.status, ok };
    }),
  };
}

function metrics(outcomes: CaseOutcome[]): Metrics {
  const n = outcomes.length || 1;
  const share = (f: (o: CaseOutcome) => boolean) => outcomes.filter(f).length / n;
  const checks = outcomes.flatMap((o) => o.resolution);
  return {
    cases: outcomes.length,
    triggerAccuracy: share((o) => o.trigger.ok),
    componentSetExactMatch: share((o) => o.components.ok),
    errorKindAccuracy: share((o) => o.errorKind.ok),
    outcomeAccuracy: share((o) => o.outcome.ok),
    manualConfigAccuracy: share((o) => o.manualConfig.ok),
    resolutionAccuracy: checks.length ? checks.filter((r) => r.ok).length / checks.length : null,
    resolutionChecks: checks.length,
  };
}

/** Runs every case through `runCase` (one generator per call; the result says which) and scores it. */
export async function evaluateRuleCases(cases: RuleCase[], runCase: (c: RuleCase) => Promise<DraftRuleResult>): Promise<EvaluationReport> {
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) outcomes.push(scoreCase(c, await runCase(c)));
  const byGenerator: EvaluationReport['byGenerator'] = {};
  for (const kind of ['sampling', 'agent', 'offline'] as const) {
    const mine = outcomes.filter((o) => o.generator === kind);
    if (mine.length) byGenerator[kind] = metrics(mine);
  }
  return { overall: metrics(outcomes), byGenerator, outcomes };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

export function formatReport(report: EvaluationReport, options: { failures?: boolean } = {}): string {
  const lines: string[] = [];
  for (const [kind, m] of Object.entries(report.byGenerator)) {
    lines.push(
      `${kind}: ${m.cases} cases | trigger accuracy ${pct(m.triggerAccuracy)} | component-set exact match ${pct(m.componentSetExactMatch)} | error-kind accuracy ${pct(m.errorKindAccuracy)} | resolution accuracy ${pct(m.resolutionAccuracy)} (${m.resolutionChecks} refs) | outcome ${pct(m.outcomeAccuracy)} | manual-config ${pct(m.manualConfigAccuracy)}`,
    );
  }
  if (options.failures) {
    for (const o of report.outcomes) {
      const bad = [
        !o.trigger.ok && `trigger ${o.trigger.actual} ≠ ${o.trigger.expected}`,
        !o.components.ok && `components [${o.components.actual}] ≠ [${o.components.expected}]`,
        !o.errorKind.ok && `errorKind ${o.errorKind.actual} ≠ ${o.errorKind.expected}`,
        !o.outcome.ok && `outcome ${o.outcome.actual} ≠ ${o.outcome.expected}`,
        !o.manualConfig.ok && `manualConfig [${o.manualConfig.actual}] ≠ [${o.manualConfig.expected}]`,
        ...o.resolution.filter((r) => !r.ok).map((r) => `ref ${r.ref}: ${r.actual} ≠ ${r.expected}`),
      ].filter(Boolean);
      if (bad.length) lines.push(`  ✗ ${o.id} (${o.generator}): ${bad.join('; ')}`);
    }
  }
  return lines.join('\n');
}
