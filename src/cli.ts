#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { useProxyFromEnvironment } from './adapters/proxy.js';
import { CLI_OPTIONS, type CliContext } from './cli-options.js';
import { PACKAGE_VERSION } from './package-root.js';

const USAGE = `confluence-steward ${PACKAGE_VERSION} — governed MCP access to Confluence

Usage:
  confluence-steward serve [options]        MCP server over stdio
  confluence-steward serve --http [--port 3333] [--host 127.0.0.1] [--tokens FILE] [--stateless]
                                            MCP over Streamable HTTP at /mcp for a team (loopback
                                            only without --tokens); GET /healthz for probes
  confluence-steward init [--policy FILE] [--force]
                                            list the source's spaces and write a read-only starter
                                            policy (default ./policy.json; never overwrites without --force)
  confluence-steward drafts list [--status S] [--kind K] [--space KEY] [--drafter ID] [--json]
  confluence-steward drafts show ID
  confluence-steward drafts approve ID --revision N
                                            approve the revision you reviewed and execute it
                                            (a failed draft: retry); show prints N
  confluence-steward drafts reject ID --reason TEXT
  confluence-steward drafts edit ID [--summary T] [--description T] [--labels a,b] [--project KEY]
                                    [--issue-type T] [--note T]     (Jira drafts)
  confluence-steward drafts edit ID --rule JSON|@FILE [--note T]      (automation drafts)
  confluence-steward drafts reconcile       finish executions interrupted by a crash
                                            (drafts commands act as the reviewer given by --as)
  confluence-steward review [--port 3334] [--host 127.0.0.1] [--as REVIEWER | --tokens FILE]
                                            reviewer console in the browser (loopback by default;
                                            another --host needs --tokens / STEWARD_TOKENS)
  confluence-steward report [--days N] [--actor ID] [--action A] [--decision allow|deny] [--json]
                                            trust report as text (--as is the reviewer)

Options (each has an environment twin):
  --site DIR        site folder to serve locally       STEWARD_SITE_DIR  (default: bundled demo site,
                                                        or Confluence Cloud when CONFLUENCE_URL,
                                                        CONFLUENCE_USERNAME, CONFLUENCE_API_TOKEN are set)
  --as USER         acting user: accountId, email or display name          STEWARD_USER
  --policy FILE     policy JSON                                           STEWARD_POLICY
  --data-dir DIR    audit, drafts and index cache                         STEWARD_DATA_DIR
  --database-url URL  drafts, audit, questions in PostgreSQL (replicas)   STEWARD_DATABASE_URL
  --role ROLE       agent (default) or reviewer                           STEWARD_ROLE
  --spaces-filter K,K  read only these of the policy's spaces            CONFLUENCE_SPACES_FILTER
  --read-only       no draft tools, no approvals (never lifts a policy's)  READ_ONLY_MODE=true
  --enabled-tools T,T  serve only these of the role's tools (unknown: error)  ENABLED_TOOLS
  --toolsets S,S    serve only the role's tools in these toolsets: read,       TOOLSETS
                    answers, triage, drafts, automation, or all (unknown: error)
                    (each only narrows the policy; a flag wins over its environment twin)
  --port N          review console port (default 3334)                    STEWARD_REVIEW_PORT
  --host ADDR       review console address (default 127.0.0.1)            STEWARD_REVIEW_HOST
  --tokens FILE     reviewer tokens for the console (JSON)                STEWARD_TOKENS
                    with serve --http: --port (3333) STEWARD_HTTP_PORT, --host (127.0.0.1)
                    STEWARD_HTTP_HOST, --tokens: agent and reviewer bearer tokens
  --http            serve MCP over Streamable HTTP instead of stdio
  --stateless       with --http: no sessions (so no sampling/elicitation)  STEWARD_STATELESS=1
  --force           with init: overwrite an existing policy file
  -h, --help        this text
  -v, --version     the version
`;

/** Commands, loaded only when used so `serve` starts with nothing it does not need. */
const COMMANDS: Record<string, () => Promise<(context: CliContext) => Promise<number>>> = {
  serve: async () => (await import('./cli-serve.js')).runServe,
  init: async () => (await import('./cli-init.js')).runInit,
  drafts: async () => (await import('./cli-drafts.js')).runDrafts,
  review: async () => (await import('./cli-review.js')).runReview,
  report: async () => (await import('./cli-report.js')).runReport,
};

/** Commands that end when their work is done (not servers). */
const ONE_SHOT = new Set(['drafts', 'report', 'init']);
let oneShot = false;

function log(message: string): void {
  process.stderr.write(`confluence-steward: ${message}\n`);
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: CLI_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const name = positionals[0];
  if (values.help || name === undefined || name === 'help') {
    process.stdout.write(USAGE);
    return name === undefined && !values.help ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    log(`unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
    return 2;
  }
  const run = await load();
  oneShot = ONE_SHOT.has(name);
  try {
    await useProxyFromEnvironment();
  } catch (error) {
    log(`HTTPS_PROXY / HTTP_PROXY could not be used: ${(error as Error).message}`);
    return 2;
  }
  return run({ values, positionals, out: (line) => process.stdout.write(`${line}\n`), err: log });
}

/**
 * `confluence-steward drafts list | head -1`: once the reader has gone there is nobody left to
 * write to, so the command ends quietly with 0 (as `cat` and `git` do) instead of a stack trace.
 */
function endQuietlyWhenReaderGone(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    if (stream !== process.stderr) log(`fatal: cannot write output: ${error.code ?? error.message}`);
    process.exit(1);
  });
}
endQuietlyWhenReaderGone(process.stdout);
endQuietlyWhenReaderGone(process.stderr);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A one-shot command's result is recorded and printed; a remote server that still holds a
    // connection open (a Jira request that timed out) must not keep the process alive.
    if (oneShot) process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  },
  (error: unknown) => {
    log(`fatal: ${(error as Error)?.message ?? String(error)}`);
    process.exitCode = 1;
  },
);
