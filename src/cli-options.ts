/**
 * Every command-line option, one table for all commands (parseArgs is strict, so an
 * unknown flag is an error). Add a command's flags here; each should have an env twin
 * documented in README.
 */
export const CLI_OPTIONS = {
  // shared by every command
  site: { type: 'string' },
  as: { type: 'string' },
  policy: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  role: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  // narrowing the policy (flag > environment > policy file)
  'spaces-filter': { type: 'string' },
  'read-only': { type: 'boolean' },
  'enabled-tools': { type: 'string' },
  toolsets: { type: 'string' },
  // init
  force: { type: 'boolean' },
  // drafts
  reason: { type: 'string' },
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
  revision: { type: 'string' },
  rule: { type: 'string' },
  // review (console); port, host and tokens also serve `serve --http`
  port: { type: 'string' },
  host: { type: 'string' },
  tokens: { type: 'string' },
  // serve --http
  http: { type: 'boolean' },
  stateless: { type: 'boolean' },
  // report
  days: { type: 'string' },
  actor: { type: 'string' },
  action: { type: 'string' },
  decision: { type: 'string' },
} as const;

export type CliValues = { [K in keyof typeof CLI_OPTIONS]?: (typeof CLI_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface CliContext {
  values: CliValues;
  positionals: string[];
  out: (line: string) => void;
  err: (line: string) => void;
}
