#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CLI_OPTIONS, type CliContext } from './cli-options.js';
import { PACKAGE_VERSION } from './package-root.js';

const USAGE = `confluence-steward ${PACKAGE_VERSION} — governed MCP access to Confluence

Usage:
  confluence-steward serve [options]        MCP server over stdio
  confluence-steward drafts list [--status S] [--kind K] [--space KEY] [--drafter ID] [--json]
  confluence-steward drafts show ID
  confluence-steward drafts approve ID      approve and execute (a failed draft: retry)
  confluence-steward drafts reject ID --reason TEXT
  confluence-steward drafts edit ID [--summary T] [--description T] [--labels a,b] [--project KEY]
                                    [--issue-type T] [--note T]
  confluence-steward drafts reconcile       finish executions interrupted by a crash
                                            (drafts commands act as the reviewer given by --as)

Options (each has an environment twin):
  --site DIR        site folder to serve locally       STEWARD_SITE_DIR  (default: bundled demo site,
                                                        or Confluence Cloud when CONFLUENCE_URL,
                                                        CONFLUENCE_USERNAME, CONFLUENCE_API_TOKEN are set)
  --as USER         acting user: accountId, email or display name          STEWARD_USER
  --policy FILE     policy JSON                                           STEWARD_POLICY
  --data-dir DIR    audit, drafts and index cache                         STEWARD_DATA_DIR
  --role ROLE       agent (default) or reviewer                           STEWARD_ROLE
  -h, --help        this text
  -v, --version     the version
`;

/** Commands, loaded only when used so `serve` starts with nothing it does not need. */
const COMMANDS: Record<string, () => Promise<(context: CliContext) => Promise<number>>> = {
  serve: async () => (await import('./cli-serve.js')).runServe,
  drafts: async () => (await import('./cli-drafts.js')).runDrafts,
};

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
  return run({ values, positionals, out: (line) => process.stdout.write(`${line}\n`), err: log });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`fatal: ${(error as Error)?.message ?? String(error)}`);
    process.exitCode = 1;
  },
);
