/**
 * The loopback Confluence stub in its own process, serving the demo site (restricted pages
 * readable only by their site users, so not by the bench user), so its CPU work
 * (CQL parsing, scoring) does not share the benchmark's event loop. Prints its URL; answers
 * "requests" on stdin with the request log as one JSON line; exits when stdin closes.
 * Usage: tsx bench/confluence-stub-process.ts LATENCY_MS
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startConfluenceStub } from '../test/support/confluence-stub.js';
import { siteFolderOnStub } from '../test/support/site-on-stub.js';

export const BENCH_USER = { accountId: 'acc-bench-0001', displayName: 'Bench Reader', email: 'bench@example.com' };

const site = siteFolderOnStub(join(process.cwd(), 'demo-site'));
const stub = await startConfluenceStub({
  ...site,
  users: [...site.users, BENCH_USER],
  latencyMs: Number(process.argv[2] ?? 20),
});
process.stdout.write(`${stub.url}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'requests') process.stdout.write(`${JSON.stringify(stub.requests.map((r) => r.path))}\n`);
});
lines.on('close', () => void stub.close().then(() => process.exit(0)));
