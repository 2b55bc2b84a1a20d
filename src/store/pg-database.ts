import pg from 'pg';
import { StewardError } from '../errors.js';
import { PG_MIGRATIONS } from './pg-migrations.js';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

export interface PgOptions {
  /** Connections per replica (STEWARD_DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Longest a statement may run, in ms (STEWARD_DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
}

/** Any number: the key of the advisory lock that serialises migrations across replicas. */
const MIGRATION_LOCK = 0x5354_4557; // "STEW"

/**
 * A pool on the shared PostgreSQL database (TLS and the rest as the URL says, e.g.
 * `?sslmode=require`), with the schema brought up to date. A connection that cannot be made
 * fails within seconds rather than hanging a tool call.
 */
export async function openPgPool(url: string, options: PgOptions = {}): Promise<PgPool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  // Every query outside a transaction goes through here too, so an outage reads as one.
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  pool.query = ((...args: unknown[]) =>
    query(...args).catch((error: unknown) => {
      throw unavailableOr(error);
    })) as typeof pool.query;
  try {
    await migratePg(pool);
  } catch (error) {
    await pool.end();
    // At start the operator is reading: the driver's own reason (ECONNREFUSED host:port, …).
    throw error instanceof DatabaseUnavailableError ? error.reason : error;
  }
  return pool;
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so two replicas starting
 * together never both migrate. A database newer than this code refuses: it may hold columns and
 * states this version would misread.
 */
export async function migratePg(pool: PgPool): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS steward_schema (version integer NOT NULL)');
    const row = (await client.query<{ version: number }>('SELECT max(version) AS version FROM steward_schema')).rows[0];
    const current = row?.version ?? 0;
    const latest = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version;
    if (current > latest) {
      throw new Error(`the database is at schema version ${current}, newer than this confluence-steward (${latest}); upgrade confluence-steward before starting it on this database`);
    }
    for (const migration of PG_MIGRATIONS.filter((m) => m.version > current)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO steward_schema (version) VALUES ($1)', [migration.version]);
    }
  });
}

/**
 * The database is down or unreachable: an outage, not a bug. The tool result says so (and that
 * nothing was changed: every write is one transaction), and the pool reconnects by itself once
 * the database is back.
 */
export class DatabaseUnavailableError extends StewardError {
  constructor(readonly reason: unknown) {
    super('The drafts database (PostgreSQL) cannot be reached right now; nothing was changed. Try again in a moment.', 'database_unavailable');
  }
}

/** Socket errors, PostgreSQL's connection-exception (08…) and shutdown (57P0…) classes, and pg's own connection messages. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', '57P01', '57P02', '57P03']);
const UNREACHABLE_MESSAGE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection refused/i;

export function unavailableOr(error: unknown): unknown {
  const code = (error as { code?: unknown })?.code;
  const unreachable =
    (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) || UNREACHABLE_MESSAGE.test((error as Error)?.message ?? '');
  return unreachable ? new DatabaseUnavailableError(error) : error;
}

/** Runs `work` in one READ COMMITTED transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(pool: PgPool, work: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect().catch((error: unknown) => {
    throw unavailableOr(error);
  });
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw unavailableOr(error);
  } finally {
    client.release();
  }
}
