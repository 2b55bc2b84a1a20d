import type { PgPool } from './pg-database.js';
import { type QuestionLogColumns, type QuestionRecord, type QuestionRow, type QuestionStore, questionRowFrom } from './question-log.js';

/** The question log in PostgreSQL: same rows and rules as the SQLite one (src/store/question-log.ts). */
export class PgQuestionLog implements QuestionStore {
  constructor(private readonly pool: PgPool, private readonly now: () => Date = () => new Date()) {}

  async record(entry: QuestionRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO question_log (at, actor, question, status, cited_json, stale_cited, spaces, generator, latency_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        this.now().toISOString(), entry.actor, entry.question, entry.status, JSON.stringify(entry.citedPageIds), entry.staleCited,
        entry.spaces.join(','), entry.generator, Math.round(entry.latencyMs),
      ],
    );
  }

  async list(filter: { status?: string; limit?: number } = {}): Promise<QuestionRow[]> {
    const result = await this.pool.query<QuestionLogColumns>(
      `SELECT id, at, actor, question, status, cited_json, stale_cited, spaces, generator, latency_ms FROM question_log
       WHERE ($1::text IS NULL OR status = $1) ORDER BY id DESC LIMIT $2`,
      [filter.status ?? null, filter.limit ?? 1000],
    );
    return result.rows.map(questionRowFrom);
  }
}
