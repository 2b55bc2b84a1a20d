/**
 * One flag_stale run in its own process, so its peak memory is measured alone.
 * Usage: tsx bench/triage-child.ts SITE_DIR DATA_DIR POLICY_FILE → one JSON line on stdout.
 */
import { resolveConfig } from '../src/config.js';
import { createRuntime } from '../src/runtime.js';
import { createServices } from '../src/services/services.js';
import { ALL_CHECKS, triagePages } from '../src/services/triage/triage-service.js';

const [siteDir, dataDir, policy] = process.argv.slice(2);
const runtime = await createRuntime(resolveConfig({ site: siteDir, dataDir, policy }, {}));
const services = createServices({ db: runtime.db, audit: runtime.audit });
let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5);
const started = performance.now();
const result = await triagePages(runtime.gateFor(runtime.identity, 'agent'), services, { checks: ALL_CHECKS, limit: 100, draft: false }, async () => {}, new AbortController().signal);
const ms = performance.now() - started;
clearInterval(sampler);
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
process.stdout.write(
  `${JSON.stringify({ ms, scanned: result.scanned, findings: Object.values(result.summary.byKind).reduce((a, b) => a + b, 0), peakHeapMb: peakHeap / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
await runtime.close();
