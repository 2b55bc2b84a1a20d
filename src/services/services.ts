import { PageCache } from './answers/page-cache.js';
import type { Db } from '../store/database.js';
import { QuestionLog } from '../store/question-log.js';

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
}

export function createServices(options: { db: Db; now?: () => Date }): Services {
  const now = options.now ?? (() => new Date());
  return { now, pageCache: new PageCache(), questions: new QuestionLog(options.db, now) };
}
