import { commonFlags, openReviewerRuntime } from './cli-flags.js';
import type { CliContext } from './cli-options.js';
import { gateLookups } from './services/report/lookups.js';
import { formatTrustReport } from './services/report/report-text.js';
import { buildTrustReport } from './services/report/trust-report.js';

/**
 * `confluence-steward report`: the trust report as text (or JSON with --json). --as is the
 * reviewer; cited pages are named only when that reviewer may open them.
 */
export async function runReport(context: CliContext): Promise<number> {
  const { values, out, err } = context;
  const flags = commonFlags(values);
  if (!flags.as && !process.env.STEWARD_USER) {
    err('report needs the reviewer identity: --as USER (or STEWARD_USER)');
    return 2;
  }
  const days = values.days === undefined ? undefined : Number(values.days);
  if (days !== undefined && (!Number.isSafeInteger(days) || days < 1 || days > 3650)) {
    err(`--days must be a whole number from 1 to 3650, not ${JSON.stringify(values.days)}`);
    return 2;
  }
  if (values.decision !== undefined && values.decision !== 'allow' && values.decision !== 'deny') {
    err(`--decision must be allow or deny, not ${JSON.stringify(values.decision)}`);
    return 2;
  }
  const runtime = await openReviewerRuntime(flags, process.env, err);
  if (!runtime) return 1;
  try {
    const gate = runtime.gateFor(runtime.identity, 'reviewer');
    const report = await buildTrustReport(
      runtime.shared.reports,
      { sinceDays: days, audit: { actor: values.actor, action: values.action, decision: values.decision as 'allow' | 'deny' | undefined, limit: 100 } },
      gateLookups(gate, 'trust_report'),
    );
    out(values.json ? JSON.stringify(report, null, 2) : formatTrustReport(report));
    return 0;
  } finally {
    await runtime.close();
  }
}
