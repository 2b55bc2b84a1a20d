import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { normalizeSpaceKey } from '../policies/space-key.js';
import type { Role } from '../policies/tool-access.js';
import type { DataCenterAuth } from './adapters/confluence/dc-transport.js';
import { PACKAGE_ROOT } from './package-root.js';

/**
 * One typed configuration, resolved once: defaults ← environment ← command-line flags.
 * Every flag has an environment twin so MCP client configs can use either.
 */
export type SourceConfig =
  | { kind: 'local'; siteDir: string }
  | { kind: 'confluence'; deployment: 'cloud'; baseUrl: string; email: string; apiToken: string }
  | { kind: 'confluence'; deployment: 'datacenter'; baseUrl: string; auth: DataCenterAuth };

export type Deployment = 'cloud' | 'datacenter';

export type JiraConfig = (
  | { deployment: 'cloud'; baseUrl: string; email: string; apiToken: string }
  | { deployment: 'datacenter'; baseUrl: string; auth: DataCenterAuth }
) & {
  /** Per-request timeout (STEWARD_JIRA_TIMEOUT_MS); the tracker's default when undefined. */
  timeoutMs?: number;
};

/** An OpenAI-compatible embeddings endpoint (STEWARD_EMBEDDINGS_*); without it the shipped word vectors are used. */
export interface EmbeddingsConfig {
  url: string;
  model: string;
  apiKey?: string;
}

export interface StewardConfig {
  source: SourceConfig;
  /** accountId, email or display name; undefined → the site's default user. */
  actingUser?: string;
  policyFile: string;
  dataDir: string;
  role: Role;
  jira?: JiraConfig;
  embeddings?: EmbeddingsConfig;
  /** Narrows the policy's read.spaces (never widens it): `--spaces-filter` or CONFLUENCE_SPACES_FILTER. */
  spacesFilter?: { spaces: string[]; from: string };
  /** Makes the policy read-only (never lifts it): `--read-only` or READ_ONLY_MODE=true. */
  readOnly?: { from: string };
  /** Narrows the role's tools (never widens them): `--enabled-tools` or ENABLED_TOOLS. */
  enabledTools?: { tools: string[]; from: string };
  /** Narrows the role's tools to these toolsets (never widens them): `--toolsets` or TOOLSETS. */
  toolsets?: { toolsets: string[]; from: string };
  /**
   * Drafts, revisions, outbox, audit and question log in PostgreSQL (`--database-url` or
   * STEWARD_DATABASE_URL), shared by replicas; undefined → the SQLite file in dataDir.
   */
  database?: { url: string; poolSize?: number; statementTimeoutMs?: number };
}

export interface CommonFlags {
  site?: string;
  as?: string;
  policy?: string;
  dataDir?: string;
  role?: string;
  spacesFilter?: string;
  readOnly?: boolean;
  enabledTools?: string;
  toolsets?: string;
  databaseUrl?: string;
}

export const DEMO_SITE_DIR = join(PACKAGE_ROOT, 'demo-site');
export const DEFAULT_POLICY_FILE = join(PACKAGE_ROOT, 'policies', 'default.json');

export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.trim() !== '' ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'confluence-steward');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = [...new Set(value.split(',').map((item) => item.trim()).filter((item) => item !== ''))];
  return items.length > 0 ? items : undefined;
}

/** flag > environment > policy: the first one given decides; each only narrows the policy. */
function narrowing(flagValue: string | undefined, flagName: string, env: NodeJS.ProcessEnv, envName: string): { items: string[]; from: string } | undefined {
  const fromFlag = commaList(flagValue);
  if (fromFlag) return { items: fromFlag, from: flagName };
  const fromEnv = commaList(env[envName]);
  return fromEnv ? { items: fromEnv, from: envName } : undefined;
}

function resolveSpacesFilter(flags: CommonFlags, env: NodeJS.ProcessEnv): StewardConfig['spacesFilter'] {
  const given = narrowing(flags.spacesFilter, '--spaces-filter', env, 'CONFLUENCE_SPACES_FILTER');
  if (!given) return undefined;
  const spaces = given.items.map((item) => {
    const key = normalizeSpaceKey(item);
    if (key === undefined) throw new Error(`${given.from}: not a space key: ${JSON.stringify(item.slice(0, 100))}`);
    return key;
  });
  return { spaces: [...new Set(spaces)], from: given.from };
}

function resolveReadOnly(flags: CommonFlags, env: NodeJS.ProcessEnv): StewardConfig['readOnly'] {
  if (flags.readOnly) return { from: '--read-only' };
  const value = nonEmpty(env.READ_ONLY_MODE)?.toLowerCase();
  if (value === undefined || value === 'false' || value === '0' || value === 'no') return undefined;
  if (value === 'true' || value === '1' || value === 'yes') return { from: 'READ_ONLY_MODE' };
  throw new Error(`READ_ONLY_MODE must be true or false, not ${JSON.stringify(value.slice(0, 50))}`);
}

/** The PostgreSQL store, when a postgres:// URL is given (its pool and statement timeout from STEWARD_DATABASE_*). */
function resolveDatabase(flags: CommonFlags, env: NodeJS.ProcessEnv): StewardConfig['database'] {
  const url = nonEmpty(flags.databaseUrl) ?? nonEmpty(env.STEWARD_DATABASE_URL);
  if (url === undefined) return undefined;
  if (!/^postgres(ql)?:\/\//i.test(url)) throw new Error('--database-url / STEWARD_DATABASE_URL must be a postgres:// or postgresql:// URL');
  return {
    url,
    poolSize: wholeNumber(env, 'STEWARD_DATABASE_POOL_SIZE', 1, 1000),
    statementTimeoutMs: wholeNumber(env, 'STEWARD_DATABASE_STATEMENT_TIMEOUT_MS', 100, 600_000),
  };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw.slice(0, 50))}`);
  return value;
}

/** STEWARD_JIRA_TIMEOUT_MS: a whole number of milliseconds, 100 to 600000. */
function jiraTimeout(env: NodeJS.ProcessEnv): number | undefined {
  const raw = nonEmpty(env.STEWARD_JIRA_TIMEOUT_MS);
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000) throw new Error(`STEWARD_JIRA_TIMEOUT_MS must be a whole number of milliseconds from 100 to 600000, not ${JSON.stringify(raw)}`);
  return ms;
}

type ProductConfig = { deployment: 'cloud'; baseUrl: string; email: string; apiToken: string } | { deployment: 'datacenter'; baseUrl: string; auth: DataCenterAuth };

/**
 * CONFLUENCE_* or JIRA_*: undefined when none is set. Which deployment: `<P>_DEPLOYMENT` when
 * given, else Data Center when a personal access token is set, else Cloud. No request is made to
 * find out (a probe at every start would cost a round trip and could be answered by a proxy).
 * Cloud: URL + USERNAME (the account email) + API_TOKEN. Data Center: URL + PERSONAL_TOKEN
 * (sent as Bearer), or URL + USERNAME + PASSWORD for basic auth.
 */
function atlassianProduct(prefix: 'CONFLUENCE' | 'JIRA', env: NodeJS.ProcessEnv): ProductConfig | undefined {
  const name = prefix === 'CONFLUENCE' ? 'Confluence' : 'Jira';
  const url = nonEmpty(env[`${prefix}_URL`]);
  const username = nonEmpty(env[`${prefix}_USERNAME`]);
  const apiToken = nonEmpty(env[`${prefix}_API_TOKEN`]);
  const pat = nonEmpty(env[`${prefix}_PERSONAL_TOKEN`]);
  const password = nonEmpty(env[`${prefix}_PASSWORD`]);
  const declared = nonEmpty(env[`${prefix}_DEPLOYMENT`])?.toLowerCase();
  if (declared !== undefined && declared !== 'cloud' && declared !== 'datacenter') {
    throw new Error(`${prefix}_DEPLOYMENT must be cloud or datacenter, not ${JSON.stringify(declared.slice(0, 50))}`);
  }
  if (!url && !username && !apiToken && !pat && !password) return undefined;
  const baseUrl = url?.replace(/\/+$/, '');
  const deployment: Deployment = (declared as Deployment | undefined) ?? (pat || password ? 'datacenter' : 'cloud');
  const outbox = prefix === 'JIRA' ? 'the outbox' : 'the demo site';
  if (deployment === 'cloud') {
    if (pat || password) {
      throw new Error(`${prefix}_DEPLOYMENT=cloud, but ${pat ? `${prefix}_PERSONAL_TOKEN` : `${prefix}_PASSWORD`} is a Data Center credential: ${name} Cloud takes ${prefix}_USERNAME (the account email) and ${prefix}_API_TOKEN.`);
    }
    if (!(baseUrl && username && apiToken)) {
      throw new Error(`${name} is partly configured: set all of ${prefix}_URL, ${prefix}_USERNAME and ${prefix}_API_TOKEN (or none, for ${outbox}).`);
    }
    return { deployment, baseUrl, email: username, apiToken };
  }
  const dataCenterHelp = `for ${name} Data Center set ${prefix}_URL and ${prefix}_PERSONAL_TOKEN, or ${prefix}_URL, ${prefix}_USERNAME and ${prefix}_PASSWORD`;
  if (!baseUrl) throw new Error(`${name} is partly configured: ${dataCenterHelp}.`);
  if (/\.atlassian\.net$/i.test(hostOf(baseUrl))) {
    throw new Error(`${prefix}_URL ${baseUrl} is an Atlassian Cloud site, but the configuration is for Data Center (${declared ? `${prefix}_DEPLOYMENT=datacenter` : 'a personal token or password'}); Cloud takes ${prefix}_USERNAME and ${prefix}_API_TOKEN.`);
  }
  if (pat) {
    if (username || password || apiToken) throw new Error(`${name} Data Center: set either ${prefix}_PERSONAL_TOKEN or ${prefix}_USERNAME with ${prefix}_PASSWORD, not both.`);
    return { deployment, baseUrl, auth: { type: 'bearer', token: pat } };
  }
  const secret = password ?? apiToken;
  if (!(username && secret)) throw new Error(`${name} is partly configured: ${dataCenterHelp}.`);
  return { deployment, baseUrl, auth: { type: 'basic', username, password: secret } };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function resolveConfig(flags: CommonFlags, env: NodeJS.ProcessEnv): StewardConfig {
  const site = nonEmpty(flags.site) ?? nonEmpty(env.STEWARD_SITE_DIR);
  const confluence = site === undefined ? atlassianProduct('CONFLUENCE', env) : undefined;
  let source: SourceConfig;
  if (site === undefined && confluence) {
    source = { kind: 'confluence', ...confluence };
  } else {
    source = { kind: 'local', siteDir: resolve(site ?? DEMO_SITE_DIR) };
  }

  const role = nonEmpty(flags.role) ?? nonEmpty(env.STEWARD_ROLE) ?? 'agent';
  if (role !== 'agent' && role !== 'reviewer') throw new Error(`--role must be agent or reviewer, not ${JSON.stringify(role)}`);

  const jira = atlassianProduct('JIRA', env);

  const embeddingsUrl = nonEmpty(env.STEWARD_EMBEDDINGS_URL);
  const embeddingsModel = nonEmpty(env.STEWARD_EMBEDDINGS_MODEL);
  if ((embeddingsUrl || embeddingsModel) && !(embeddingsUrl && embeddingsModel)) {
    throw new Error('Embeddings are partly configured: set both STEWARD_EMBEDDINGS_URL and STEWARD_EMBEDDINGS_MODEL (and STEWARD_EMBEDDINGS_API_KEY if the endpoint needs one), or neither.');
  }
  if (embeddingsUrl && !/^https?:\/\//i.test(embeddingsUrl)) throw new Error(`STEWARD_EMBEDDINGS_URL must be an http(s) URL, not ${JSON.stringify(embeddingsUrl)}`);

  const enabled = narrowing(flags.enabledTools, '--enabled-tools', env, 'ENABLED_TOOLS');
  // Names are checked against the tool registry where tools are chosen (src/server/enabled-tools.ts).
  const toolsets = narrowing(flags.toolsets, '--toolsets', env, 'TOOLSETS');
  return {
    source,
    spacesFilter: resolveSpacesFilter(flags, env),
    readOnly: resolveReadOnly(flags, env),
    enabledTools: enabled ? { tools: enabled.items, from: enabled.from } : undefined,
    toolsets: toolsets ? { toolsets: toolsets.items.map((name) => name.toLowerCase()), from: toolsets.from } : undefined,
    embeddings: embeddingsUrl && embeddingsModel ? { url: embeddingsUrl, model: embeddingsModel, apiKey: nonEmpty(env.STEWARD_EMBEDDINGS_API_KEY) } : undefined,
    actingUser: nonEmpty(flags.as) ?? nonEmpty(env.STEWARD_USER),
    policyFile: resolve(nonEmpty(flags.policy) ?? nonEmpty(env.STEWARD_POLICY) ?? DEFAULT_POLICY_FILE),
    dataDir: resolve(nonEmpty(flags.dataDir) ?? nonEmpty(env.STEWARD_DATA_DIR) ?? defaultDataDir(env)),
    database: resolveDatabase(flags, env),
    role,
    jira: jira ? { ...jira, timeoutMs: jiraTimeout(env) } : undefined,
  };
}
