import type { PolicyGate } from '../../../policies/gate.js';
import type { Db } from '../../store/database.js';
import type { SharedStore } from '../../store/shared-store.js';
import { reportDatabase } from './report-database.js';
import { gateLookups } from './lookups.js';
import { type TrustReport, type TrustReportOptions, buildTrustReport } from './trust-report.js';

/** The report as `gate`'s user may see it: cited pages named only when that user may open them. */
export function trustReportFor(db: Db, gate: PolicyGate, tool: string, options: TrustReportOptions = {}): Promise<TrustReport> {
  return buildTrustReport(db, options, gateLookups(gate, tool));
}

/** The trust report as a service: read-only SQL over the steward database. */
export class ReportService {
  constructor(private readonly db: Db, private readonly shared?: Pick<SharedStore, 'kind'>) {}

  async build(gate: PolicyGate, tool: string, options: TrustReportOptions = {}): Promise<TrustReport> {
    return trustReportFor(reportDatabase(this.shared, this.db), gate, tool, options);
  }
}
