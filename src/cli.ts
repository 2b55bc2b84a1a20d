#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { type CommonFlags, resolveConfig } from './config.js';
import { PACKAGE_VERSION } from './package-root.js';
import { createRuntime } from './runtime.js';

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

const COMMON_OPTIONS = {
  site: { type: 'string' },
  as: { type: 'string' },
  policy: { type: 'string' },
  'data-dir': { type: 'string' },
  role: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  reason: { type: 'string' },
  json: { type: 'boolean' },
  status: { type: 'string' },
  kind: { type: 'string' },
  space: { type: 'string' },
  drafter: { type: 'string' },
  summary: { type: 'string' },
  description: { type: 'string' },
  labels: { type: 'string' },
  project: { type: 'string' },
  'issue-type': { type: 'string' },
  note: { type: 'string' },
  version: { type: 'boolean', short: 'v' },
} as const;

function log(message: string): void {
  process.stderr.write(`confluence-steward: ${message}\n`);
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: COMMON_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    log(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${PACKAGE_VERSION}\n`);
    return 0;
  }
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const flags: CommonFlags = { site: values.site, as: values.as, policy: values.policy, dataDir: values['data-dir'], role: values.role };

  switch (command) {
    case 'serve':
      return serve(flags);
    case 'drafts': {
      const { runDrafts } = await import('./cli-drafts.js');
      return runDrafts(
        flags,
        {
          action: positionals[1] ?? 'list',
          id: positionals[2],
          reason: values.reason,
          json: values.json ?? false,
          status: values.status,
          kind: values.kind,
          space: values.space,
          drafter: values.drafter,
          edits: {
            summary: values.summary,
            description: values.description,
            labels: values.labels,
            project: values.project,
            issueType: values['issue-type'],
            note: values.note,
          },
        },
        (line) => process.stdout.write(`${line}\n`),
        log,
      );
    }
    default:
      log(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

async function serve(flags: CommonFlags): Promise<number> {
  let runtime;
  try {
    runtime = await createRuntime(resolveConfig(flags, process.env));
  } catch (error) {
    log(`cannot start: ${(error as Error).message}`);
    return 1;
  }
  const who = runtime.identity.accountId === '' ? 'anonymous' : `${runtime.identity.displayName} (${runtime.identity.accountId})`;
  log(`serving ${runtime.source.describe()} as ${who}, role ${runtime.config.role}, policy ${runtime.config.policyFile}${runtime.policy.readOnly ? ' (read-only)' : ''}`);
  const { serveStdio } = await import('./server/serve-stdio.js');
  await serveStdio(runtime, log);
  return 0;
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
