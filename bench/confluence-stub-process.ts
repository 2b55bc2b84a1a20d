/**
 * The loopback Confluence stub in its own process, seeded from the demo site, so its CPU work
 * (CQL parsing, scoring) does not share the benchmark's event loop. Prints its URL; answers
 * "requests" on stdin with the request log as one JSON line; exits when stdin closes.
 * Usage: tsx bench/confluence-stub-process.ts LATENCY_MS
 */
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { loadSiteFolder } from '../src/adapters/local/site-folder.js';
import { startConfluenceStub } from '../test/support/confluence-stub.js';

export const BENCH_USER = { accountId: 'acc-bench-0001', displayName: 'Bench Reader', email: 'bench@example.com' };

function markdownToStorage(markdown: string): string {
  const escape = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return markdown
    .split(/\n\s*\n/)
    .map((block) => {
      const heading = /^(#{1,6})\s+(.*)$/.exec(block.trim());
      if (heading) return `<h${heading[1].length}>${escape(heading[2])}</h${heading[1].length}>`;
      return `<p>${escape(block.trim()).replace(/\n/g, ' ')}</p>`;
    })
    .join('');
}

const loaded = loadSiteFolder(join(process.cwd(), 'demo-site'));
const stub = await startConfluenceStub({
  spaces: loaded.site.spaces.map((s, i) => ({ id: String(9000 + i), key: s.key, name: s.name })),
  users: [BENCH_USER],
  pages: loaded.pages
    .filter((p) => !p.readRestriction)
    .map((p) => ({
      id: p.id, title: p.title, spaceKey: p.spaceKey, parentId: p.parentId, storage: markdownToStorage(p.body), labels: p.labels,
      createdAt: p.created, updatedAt: p.updated, version: p.version, authorId: BENCH_USER.accountId, ownerId: BENCH_USER.accountId,
    })),
  latencyMs: Number(process.argv[2] ?? 20),
});
process.stdout.write(`${stub.url}\n`);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === 'requests') process.stdout.write(`${JSON.stringify(stub.requests.map((r) => r.path))}\n`);
});
lines.on('close', () => void stub.close().then(() => process.exit(0)));
