import type { IssueTracker } from '../adapters/issue-tracker.js';
import { AuditLog, type AuditStore } from '../store/audit-log.js';
import type { Db } from '../store/database.js';
import { PageStore } from '../store/page-store.js';
import type { QuestionStore } from '../store/question-log.js';
import { type SharedStore, sqliteSharedStore } from '../store/shared-store.js';
import { type Embedder, WordVectorEmbedder } from './answers/embedder.js';
import { PageCache } from './answers/page-cache.js';
import { SoftMatcher } from './answers/soft-match.js';
import { sharedWordVectors } from './answers/word-vectors.js';
import { automationExecutor, automationReadiness } from './automation/automation-drafts.js';
import { DraftService } from './drafts/draft-service.js';
import { ReportService } from './report/report-service.js';
import { ReviewerOperations } from './review/reviewer-operations.js';

/**
 * Long-lived services shared by all tool calls of one runtime (caches, stores, executors).
 * They hold no policy and no raw source: every content access goes through the gate a tool
 * passes in.
 */
export interface Services {
  /** The clock, injectable so staleness is testable. */
  now(): Date;
  pageCache: PageCache;
  /** Meaning for ranking: the shipped word vectors, or a configured embeddings endpoint. */
  embedder: Embedder | undefined;
  /** Whether search_pages may read a hit's body to pick its excerpt (cheap locally, a request per page on Confluence). */
  readBodiesForSearch: boolean;
  /** Synonym and typo credit for question words (word vectors; a fresh memo per answer); undefined when turned off. */
  softMatcher(): SoftMatcher | undefined;
  questions: QuestionStore;
  drafts: DraftService;
  /** What MCP review tools, the CLI and the console call (shared schemas, the reviewer's gate). */
  review: ReviewerOperations;
  reports: ReportService;
}

export interface ServiceDeps {
  db: Db;
  audit: AuditStore;
  /** Where drafts and the question log live; default: the SQLite `db` with `audit`. */
  shared?: SharedStore;
  issueTracker?: IssueTracker;
  now?: () => Date;
  /** Keep converted pages on disk between runs (worth it for a remote source, not the local index). */
  persistPages?: boolean;
  /** Default true; false for remote sources. */
  readBodiesForSearch?: boolean;
  /** Default true; false: no synonym or typo credit (ablation). */
  softMatching?: boolean;
  /** Default: the shipped word vectors. `null`: no semantic signal (ablation). */
  embedder?: Embedder | null;
}

export function createServices(deps: ServiceDeps): Services {
  const now = deps.now ?? (() => new Date());
  const shared = deps.shared ?? sqliteSharedStore(deps.db, sqliteAudit(deps.audit));
  const store = shared.drafts(now);
  const drafts: DraftService = new DraftService(
    store,
    deps.issueTracker,
    now,
    { automation: automationExecutor(() => drafts) },
    { automation: 'outbox' },
    { automation: automationReadiness },
  );
  const services: Services = {
    now,
    pageCache: new PageCache(500, deps.persistPages ? new PageStore(deps.db, now) : undefined),
    embedder: deps.embedder === null ? undefined : (deps.embedder ?? new WordVectorEmbedder()),
    softMatcher: () => (deps.softMatching === false ? undefined : new SoftMatcher(sharedWordVectors())),
    readBodiesForSearch: deps.readBodiesForSearch ?? true,
    questions: shared.questions(now),
    drafts,
    review: undefined as unknown as ReviewerOperations,
    reports: new ReportService(shared.reports),
  };
  services.review = new ReviewerOperations(services);
  return services;
}

/** Services for a runtime's database, audit log and (if configured) Jira. */
export function servicesFor(
  runtime: { db: Db; audit: AuditStore; shared?: SharedStore; issueTracker?: IssueTracker; source: { kind: string }; embedder?: Embedder },
  now?: () => Date,
): Services {
  return createServices({
    db: runtime.db,
    audit: runtime.audit,
    shared: runtime.shared,
    issueTracker: runtime.issueTracker,
    now,
    persistPages: runtime.source.kind === 'confluence',
    readBodiesForSearch: runtime.source.kind === 'local',
    embedder: runtime.embedder,
  });
}

/** Drafts in SQLite write their audit rows inside their own transactions: only the SQLite log can. */
function sqliteAudit(audit: AuditStore): AuditLog {
  if (!(audit instanceof AuditLog)) throw new Error('drafts in SQLite need the SQLite audit log; pass the runtime\'s shared store');
  return audit;
}
