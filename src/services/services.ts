import type { IssueTracker } from '../adapters/issue-tracker.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { DraftStore } from '../store/draft-store.js';
import { PageStore } from '../store/page-store.js';
import { QuestionLog } from '../store/question-log.js';
import { PageCache } from './answers/page-cache.js';
import { automationExecutor, automationReadiness } from './automation/automation-drafts.js';
import { DraftService } from './drafts/draft-service.js';
import { ReportService } from './report/report-service.js';

/**
 * Long-lived services shared by all tool calls of one runtime (caches, stores, executors).
 * They hold no policy and no raw source: every content access goes through the gate a tool
 * passes in.
 */
export interface Services {
  /** The clock, injectable so staleness is testable. */
  now(): Date;
  pageCache: PageCache;
  questions: QuestionLog;
  drafts: DraftService;
  reports: ReportService;
}

export interface ServiceDeps {
  db: Db;
  audit: AuditLog;
  issueTracker?: IssueTracker;
  now?: () => Date;
  /** Keep converted pages on disk between runs (worth it for a remote source, not the local index). */
  persistPages?: boolean;
}

export function createServices(deps: ServiceDeps): Services {
  const now = deps.now ?? (() => new Date());
  const store = new DraftStore(deps.db, deps.audit, now);
  const drafts: DraftService = new DraftService(
    store,
    deps.issueTracker,
    now,
    { automation: automationExecutor(() => drafts) },
    { automation: 'outbox' },
    { automation: automationReadiness },
  );
  return {
    now,
    pageCache: new PageCache(500, deps.persistPages ? new PageStore(deps.db, now) : undefined),
    questions: new QuestionLog(deps.db, now),
    drafts,
    reports: new ReportService(deps.db),
  };
}

/** Services for a runtime's database, audit log and (if configured) Jira. */
export function servicesFor(runtime: { db: Db; audit: AuditLog; issueTracker?: IssueTracker; source: { kind: string } }, now?: () => Date): Services {
  return createServices({ db: runtime.db, audit: runtime.audit, issueTracker: runtime.issueTracker, now, persistPages: runtime.source.kind === 'confluence' });
}
