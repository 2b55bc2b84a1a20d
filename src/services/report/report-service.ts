import type { PolicyGate } from '../../../policies/gate.js';
import type { ReportStore } from '../../store/report-queries.js';
import { gateLookups } from './lookups.js';
import { type TrustReport, type TrustReportOptions, buildTrustReport } from './trust-report.js';

/**
 * The trust report as a service: read-only queries over the shared store (SQLite or PostgreSQL),
 * as `gate`'s user may see it: cited pages named only when that user may open them.
 */
export class ReportService {
  constructor(private readonly store: ReportStore) {}

  async build(gate: PolicyGate, tool: string, options: TrustReportOptions = {}): Promise<TrustReport> {
    return buildTrustReport(this.store, options, gateLookups(gate, tool));
  }
}
