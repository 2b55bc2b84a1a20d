import { z } from 'zod';
import type { GeneratorKind } from './generator.js';
import type { DraftRuleResult } from './pipeline.js';
import { REQUEST_ERROR_KINDS } from './problems.js';
import { componentTypes, walkComponents } from './rule-schema.js';

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

const Primitive = z.union([z.string(), z.number(), z.boolean()]);
/** Expected value at a config path: a primitive, a set of primitives, or `{ $contains }` for free text. */
const ConfigExpectation = z.union([Primitive, z.array(Primitive), z.strictObject({ $contains: z.string() })]);
type ConfigExpectation = z.infer<typeof ConfigExpectation>;

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
    /**
     * Config values the request states, per component type (trigger included): at least one
     * node of the type must match every dot path (eval/RULES-UNSEEN.md gives the matching rules).
     */
    config: z.record(z.string().min(1), z.record(z.string().min(1), ConfigExpectation)).optional(),
    /** A case-insensitive substring of at least one reviewer-facing problem (dropped or unsupported intent). */
    reportsProblem: z.string().min(1).optional(),
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
  /** Share of cases with `expect.config` whose every listed type matches; null when none carries it. */
  configAccuracy: number | null;
  configChecks: number;
  /** Share of cases with `expect.reportsProblem` that report it; null when none carries it. */
  problemReportedAccuracy: number | null;
  problemChecks: number;
  /** Cases where the tool itself failed (isError, exception): counted apart from quality misses. */
  toolErrors: number;
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
  /** Per listed component type: ok, and the failing paths. Empty when the case lists no config. */
  config: Array<{ type: string; ok: boolean; failed: string[] }>;
  reportsProblem: { expected: string; ok: boolean } | null;
  /** Set when the run failed before producing a result; every other check then counts as a miss. */
  toolError?: string;
}

/**
 * What scoring reads from a drafting run: the pipeline's own result, or one rebuilt from the
 * tool's answer and the queued draft. `explanations` are reviewer-facing texts beyond the
 * problem list (the tool's message when nothing was drafted).
 */
export type ScorableResult = Pick<DraftRuleResult, 'usable' | 'rule' | 'problems' | 'errorKind' | 'manualConfig' | 'resolved' | 'unresolved' | 'generator'> & {
  explanations?: string[];
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

function refOutcome(result: ScorableResult, ref: string): { status: string; id?: string } {
  const key = ref.toLowerCase();
  const r = result.resolved.find((x) => refStrings(x.ref).includes(key) && (x.kind !== 'page' || String(x.ref.pageTitle).toLowerCase() === key));
  if (r) return { status: 'resolved', id: r.id };
  const u = result.unresolved.find((x) => refStrings(x.ref).includes(key));
  if (u) return { status: u.reason };
  return { status: 'absent' };
}

const norm = (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v);

function valueAt(config: unknown, path: string): unknown {
  let at: unknown = config;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !(key in at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Matching as eval/RULES-UNSEEN.md defines it: strings trimmed and case-insensitive, arrays as sets, `$contains` for free text. */
export function configValueMatches(expected: ConfigExpectation, actual: unknown): boolean {
  if (actual === undefined) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    const want = new Set(expected.map(norm));
    const got = new Set(actual.map(norm));
    return want.size === got.size && [...want].every((v) => got.has(v));
  }
  if (typeof expected === 'object') {
    const needle = expected.$contains.toLowerCase();
    const holds = (v: unknown) => typeof v === 'string' && v.toLowerCase().includes(needle);
    return Array.isArray(actual) ? actual.some(holds) : holds(actual);
  }
  if (typeof expected === 'string') return typeof actual === 'string' && norm(actual) === norm(expected);
  return actual === expected;
}

/** Every node of the rule with its type and config: the trigger, components, branch and if/else children. */
function configNodes(result: ScorableResult): Array<{ type: string; config: unknown }> {
  const rule = result.rule;
  if (!rule) return [];
  const nodes = walkComponents(rule.components).map((w) => ({ type: w.node.type, config: w.node.config }));
  return rule.trigger ? [{ type: rule.trigger.type, config: rule.trigger.config }, ...nodes] : nodes;
}

function scoreConfig(c: RuleCase, result: ScorableResult): CaseOutcome['config'] {
  const nodes = configNodes(result);
  return Object.entries(c.expect.config ?? {}).map(([type, paths]) => {
    const ofType = nodes.filter((n) => n.type === type);
    const failedBy = (n: { config: unknown }) => Object.entries(paths).filter(([path, want]) => !configValueMatches(want, valueAt(n.config, path))).map(([path]) => `${path}=${JSON.stringify(valueAt(n.config, path))}`);
    if (ofType.some((n) => failedBy(n).length === 0)) return { type, ok: true, failed: [] };
    return { type, ok: false, failed: ofType.length ? failedBy(ofType[0]) : [`(no ${type})`] };
  });
}

function scoreProblem(c: RuleCase, result: ScorableResult): CaseOutcome['reportsProblem'] {
  const want = c.expect.reportsProblem;
  if (want === undefined) return null;
  const texts = [...result.problems.map((p) => p.message), ...(result.explanations ?? [])];
  return { expected: want, ok: texts.some((t) => t.toLowerCase().includes(want.toLowerCase())) };
}

/** A run that failed outright: every check misses, and the metrics count it as a tool error. */
export function failedRun(c: RuleCase, generator: ScorableResult['generator'], error: string): CaseOutcome {
  const empty: ScorableResult = { usable: false, rule: null, problems: [], errorKind: null, manualConfig: [], resolved: [], unresolved: [], generator };
  const scored = scoreCase(c, empty);
  const miss = <T extends { ok: boolean }>(x: T) => ({ ...x, ok: false });
  return {
    ...scored,
    trigger: miss(scored.trigger),
    components: miss(scored.components),
    errorKind: miss(scored.errorKind),
    outcome: miss(scored.outcome),
    manualConfig: miss(scored.manualConfig),
    resolution: scored.resolution.map(miss),
    config: scored.config.map(miss),
    reportsProblem: scored.reportsProblem && miss(scored.reportsProblem),
    toolError: error,
  };
}

export function scoreCase(c: RuleCase, result: ScorableResult): CaseOutcome {
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
    config: scoreConfig(c, result),
    reportsProblem: scoreProblem(c, result),
  };
}

const rate = (oks: boolean[]) => (oks.length ? oks.filter(Boolean).length / oks.length : null);

function metrics(outcomes: CaseOutcome[]): Metrics {
  const n = outcomes.length || 1;
  const share = (f: (o: CaseOutcome) => boolean) => outcomes.filter(f).length / n;
  const checks = outcomes.flatMap((o) => o.resolution);
  const configOks = outcomes.filter((o) => o.config.length > 0).map((o) => o.config.every((x) => x.ok));
  const problemOks = outcomes.flatMap((o) => (o.reportsProblem ? [o.reportsProblem.ok] : []));
  return {
    cases: outcomes.length,
    triggerAccuracy: share((o) => o.trigger.ok),
    componentSetExactMatch: share((o) => o.components.ok),
    errorKindAccuracy: share((o) => o.errorKind.ok),
    outcomeAccuracy: share((o) => o.outcome.ok),
    manualConfigAccuracy: share((o) => o.manualConfig.ok),
    resolutionAccuracy: checks.length ? checks.filter((r) => r.ok).length / checks.length : null,
    resolutionChecks: checks.length,
    configAccuracy: rate(configOks),
    configChecks: configOks.length,
    problemReportedAccuracy: rate(problemOks),
    problemChecks: problemOks.length,
    toolErrors: outcomes.filter((o) => o.toolError !== undefined).length,
  };
}

/** Runs every case through `runCase` (one generator per call; the result says which) and scores it. */
export async function evaluateRuleCases(cases: RuleCase[], runCase: (c: RuleCase) => Promise<ScorableResult | CaseOutcome>): Promise<EvaluationReport> {
  const outcomes: CaseOutcome[] = [];
  for (const c of cases) {
    const run = await runCase(c);
    outcomes.push('toolError' in run ? (run as CaseOutcome) : scoreCase(c, run as ScorableResult));
  }
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
      `${kind}: ${m.cases} cases | trigger accuracy ${pct(m.triggerAccuracy)} | component-set exact match ${pct(m.componentSetExactMatch)} | error-kind accuracy ${pct(m.errorKindAccuracy)} | resolution accuracy ${pct(m.resolutionAccuracy)} (${m.resolutionChecks} refs) | outcome ${pct(m.outcomeAccuracy)} | manual-config ${pct(m.manualConfigAccuracy)} | config ${pct(m.configAccuracy)} (${m.configChecks} cases) | problem reported ${pct(m.problemReportedAccuracy)} (${m.problemChecks} cases) | tool errors ${m.toolErrors}`,
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
        ...o.config.filter((x) => !x.ok).map((x) => `config ${x.type}: ${x.failed.join(', ')}`),
        o.reportsProblem && !o.reportsProblem.ok && `no problem mentions "${o.reportsProblem.expected}"`,
        o.toolError !== undefined && `TOOL ERROR ${o.toolError}`,
      ].filter(Boolean);
      if (bad.length) lines.push(`  ✗ ${o.id} (${o.generator}): ${bad.join('; ')}`);
    }
  }
  return lines.join('\n');
}
