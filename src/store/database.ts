import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens the steward's own database (audit, question log, drafts) in the data directory, in
 * WAL mode so several processes (a server, the CLI, the console) can share it, and brings the
 * schema up to date with the numbered migrations.
 */
export function openStewardDb(dataDir: string): Db {
  makeDirectory(dataDir);
  const db = new Database(join(dataDir, 'steward.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Another process may hold the write lock briefly (e.g. a reviewer approving from the CLI).
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdirSync loops forever on some special file
 * systems (a path under /proc), so the start would hang; this fails with the reason instead.
 */
function makeDirectory(dataDir: string): void {
  const missing: string[] = [];
  for (let path = resolve(dataDir); !existsSync(path); path = dirname(path)) {
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new Error(`cannot create the data directory ${dataDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = MIGRATIONS.filter((migration) => migration.version > current);
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}
