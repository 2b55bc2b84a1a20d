/**
 * What the gate records for every decision. The sink is supplied by the runtime (a SQLite
 * table); the gate itself does no I/O. Entries never hold page content: ids, rules and counts.
 */
export interface AuditEntry {
  actor: string;
  role: string;
  tool: string;
  action: string;
  decision: 'allow' | 'deny';
  /** Page id, draft id, space list … whatever the decision was about. */
  subject?: string;
  /** The rule that decided, or a short note (e.g. "3 results"). */
  reason?: string;
}

export interface AuditSink {
  record(entry: AuditEntry): void;
}
