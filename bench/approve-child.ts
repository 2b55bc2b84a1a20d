/**
 * A reviewer process approving a list of drafts, for the concurrent-approval benchmark.
 * Usage: tsx bench/approve-child.ts SITE DATA_DIR POLICY REVIEWER ID,ID,… [DATABASE_URL] → JSON line {executed, refused}.
 */
import { resolveConfig } from '../src/config.js';
import { StewardError } from '../src/errors.js';
import { createRuntime } from '../src/runtime.js';
import { servicesFor } from '../src/services/services.js';

const [siteDir, dataDir, policy, reviewer, ids, databaseUrl] = process.argv.slice(2);
const runtime = await createRuntime(resolveConfig({ site: siteDir, dataDir, policy, as: reviewer, role: 'reviewer', databaseUrl }, {}));
const services = servicesFor(runtime);
const gate = runtime.gateFor(runtime.identity, 'reviewer');
let executed = 0;
let refused = 0;
for (const id of ids.split(',').map(Number)) {
  try {
    const report = await services.drafts.approve(gate, id, (await services.drafts.get(id)).revision);
    if (report.draft.status === 'executed' && report.draft.decidedBy === runtime.identity.accountId) executed++;
  } catch (error) {
    if (!(error instanceof StewardError)) throw error;
    refused++;
  }
}
process.stdout.write(`${JSON.stringify({ executed, refused })}\n`);
await runtime.close();
