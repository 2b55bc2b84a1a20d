import { join } from 'node:path';
import { type AuditStore } from '../../src/store/audit-log.js';
import { openStewardDb } from '../../src/store/database.js';
import type { DraftStore } from '../../src/store/draft-store.js';
import type { QuestionStore } from '../../src/store/question-log.js';
import type { ReportStore } from '../../src/store/report-queries.js';
import { openPgSharedStore } from '../../src/store/pg-shared-store.js';
import { sqliteSharedStore } from '../../src/store/shared-store.js';
import { tempDir } from './fixture-site.js';
import { type TestPostgres, startPostgres } from './postgres.js';

/** One fresh, empty store (its own SQLite file or its own PostgreSQL database). */
export interface OpenedStore {
  drafts: DraftStore;
  audit: AuditStore;
  questions: QuestionStore;
  reports: ReportStore;
  /** What a second replica would open: the same data, its own connections. */
  location: { dataDir: string } | { databaseUrl: string };
  close(): Promise<void>;
}

export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  open(now?: () => Date): Promise<OpenedStore>;
  /** Another replica's view of the same store. */
  reopen(location: OpenedStore['location'], now?: () => Date): Promise<OpenedStore>;
  stop(): Promise<void>;
}

export const BACKEND_NAMES = ['sqlite', 'postgres'] as const;

/** Start in beforeAll (PostgreSQL takes a second or two), stop in afterAll. */
export async function startBackend(name: StoreBackend['name']): Promise<StoreBackend> {
  let server: TestPostgres | undefined;
  if (name === 'postgres') server = await startPostgres();
  const reopen = async (location: OpenedStore['location'], now?: () => Date): Promise<OpenedStore> => {
    if ('databaseUrl' in location) {
      const shared = await openPgSharedStore(location.databaseUrl, { poolSize: 4 });
      return { drafts: shared.drafts(now), audit: shared.audit, questions: shared.questions(now), reports: shared.reports, location, close: () => shared.close() };
    }
    const db = openStewardDb(location.dataDir);
    const shared = sqliteSharedStore(db);
    return { drafts: shared.drafts(now), audit: shared.audit, questions: shared.questions(now), reports: shared.reports, location, close: async () => { db.close(); } };
  };
  return {
    name,
    reopen,
    async open(now) {
      const location = server ? { databaseUrl: await server.database() } : { dataDir: join(tempDir('store'), 'data') };
      return reopen(location, now);
    },
    stop: async () => server?.stop(),
  };
}
