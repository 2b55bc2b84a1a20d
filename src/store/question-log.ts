import type { Db } from './database.js';

export interface QuestionRecord {
  actor: string;
  question: string;
  status: string;
  /** Only pages the asker was allowed to see (citations). */
  citedPageIds: string[];
  staleCited: number;
  spaces: string[];
  generator: string;
  latencyMs: number;
}

export interface QuestionRow extends QuestionRecord {
  id: number;
  at: string;
}

/** The question log every backend implements. */
/** A question_log row as both backends store it. */
export interface QuestionLogColumns {
  id: number; at: string; actor: string; question: string; status: string; cited_json: string;
  stale_cited: number; spaces: string; generator: string; latency_ms: number;
}

export function questionRowFrom(row: QuestionLogColumns): QuestionRow {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    question: row.question,
    status: row.status,
    citedPageIds: JSON.parse(row.cited_json) as string[],
    staleCited: row.stale_cited,
    spaces: row.spaces === '' ? [] : row.spaces.split(','),
    generator: row.generator,
    latencyMs: row.latency_ms,
  };
}

export interface QuestionStore {
  record(entry: QuestionRecord): Promise<void>;
  list(filter?: { status?: string; limit?: number }): Promise<QuestionRow[]>;
}

/**
 * Every question asked through answer_with_sources, for the trust report: unanswered
 * questions are knowledge gaps. Holds the asker's own words and the pages they were shown,
 * never content from pages they could not read.
 */
export class QuestionLog implements QuestionStore {
  private readonly insert;

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {
    this.insert = db.prepare(
      `INSERT INTO question_log (at, actor, question, status, cited_json, stale_cited, spaces, generator, latency_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  async record(entry: QuestionRecord): Promise<void> {
    this.insert.run(
      this.now().toISOString(),
      entry.actor,
      entry.question,
      entry.status,
      JSON.stringify(entry.citedPageIds),
      entry.staleCited,
      entry.spaces.join(','),
      entry.generator,
      Math.round(entry.latencyMs),
    );
  }

  async list(filter: { status?: string; limit?: number } = {}): Promise<QuestionRow[]> {
    const rows = this.db
      .prepare(
        `SELECT id, at, actor, question, status, cited_json, stale_cited, spaces, generator, latency_ms FROM question_log
         WHERE (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ status: filter.status ?? null, limit: filter.limit ?? 1000 }) as QuestionLogColumns[];
    return rows.map(questionRowFrom);
  }
}
