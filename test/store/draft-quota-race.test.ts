import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openStewardDb } from '../../src/store/database.js';
import { FIXTURE_POLICY, USERS, writeFixture } from '../support/fixture-site.js';

/**
 * Finding 7 (issue 12): the hourly draft quota is one transaction. Several processes of one
 * user, started at the same instant, drafting as fast as they can, never get past the cap.
 * Uses the built CLI modules (dist/), like the end-to-end tests.
 */
const DIST = join(process.cwd(), 'dist', 'src');

function child(fixture: ReturnType<typeof writeFixture>, startAt: number, tag: string): Promise<string> {
  const code = `
    const { resolveConfig } = await import(${JSON.stringify(join(DIST, 'config.js'))});
    const { createRuntime } = await import(${JSON.stringify(join(DIST, 'runtime.js'))});
    const { createServices } = await import(${JSON.stringify(join(DIST, 'services', 'services.js'))});
    const runtime = await createRuntime(resolveConfig({ site: ${JSON.stringify(fixture.siteDir)}, policy: ${JSON.stringify(fixture.policyFile)}, dataDir: ${JSON.stringify(fixture.dataDir)}, as: ${JSON.stringify(USERS.employee.email)} }, {}));
    const services = createServices({ db: runtime.db, audit: runtime.audit });
    const gate = runtime.gateFor(runtime.identity, 'agent');
    while (Date.now() < ${startAt}) {}
    let made = 0;
    for (let i = 0; i < 12; i++) {
      try { await services.drafts.draftJira(gate, { summary: 'Gap ${tag} number ' + i }); made++; } catch {}
    }
    process.stdout.write(String(made));
    await runtime.close();
  `;
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    proc.on('close', (status) => (status === 0 ? resolve(out) : reject(new Error(err))));
  });
}

describe('draft quota across processes', () => {
  it('four processes of one user create at most the hourly cap, however they interleave', async () => {
    for (let round = 0; round < 3; round++) {
      const fixture = writeFixture({ policy: { ...FIXTURE_POLICY, limits: { pendingDraftsPerHour: 3 } } });
      // Migrate first, so the children race on drafting, not on creating the schema.
      openStewardDb(fixture.dataDir).close();
      const startAt = Date.now() + 2_500;
      await Promise.all(['a', 'b', 'c', 'd'].map((tag) => child(fixture, startAt, tag)));
      const db = openStewardDb(fixture.dataDir);
      const count = (db.prepare('SELECT count(*) AS n FROM drafts').get() as { n: number }).n;
      db.close();
      expect(count, `round ${round}`).toBeLessThanOrEqual(3);
      expect(count, `round ${round}`).toBe(3);
    }
  }, 120_000);
});
