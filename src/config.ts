import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Role } from '../policies/tool-access.js';
import { PACKAGE_ROOT } from './package-root.js';

/**
 * One typed configuration, resolved once: defaults ← environment ← command-line flags.
 * Every flag has an environment twin so MCP client configs can use either.
 */
export type SourceConfig =
  | { kind: 'local'; siteDir: string }
  | { kind: 'confluence'; baseUrl: string; email: string; apiToken: string };

export interface JiraConfig {
  baseUrl: string;
  email: string;
  apiToken: string;
}

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
}

export interface CommonFlags {
  site?: string;
  as?: string;
  policy?: string;
  dataDir?: string;
  role?: string;
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

export function resolveConfig(flags: CommonFlags, env: NodeJS.ProcessEnv): StewardConfig {
  const site = nonEmpty(flags.site) ?? nonEmpty(env.STEWARD_SITE_DIR);
  const confluenceUrl = nonEmpty(env.CONFLUENCE_URL);
  const confluenceUser = nonEmpty(env.CONFLUENCE_USERNAME);
  const confluenceToken = nonEmpty(env.CONFLUENCE_API_TOKEN);

  let source: SourceConfig;
  if (site === undefined && confluenceUrl && confluenceUser && confluenceToken) {
    source = { kind: 'confluence', baseUrl: confluenceUrl.replace(/\/+$/, ''), email: confluenceUser, apiToken: confluenceToken };
  } else {
    if (site === undefined && (confluenceUrl || confluenceUser || confluenceToken)) {
      throw new Error(
        'Confluence is partly configured: set all of CONFLUENCE_URL, CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN (or none, for the demo site).',
      );
    }
    source = { kind: 'local', siteDir: resolve(site ?? DEMO_SITE_DIR) };
  }

  const role = nonEmpty(flags.role) ?? nonEmpty(env.STEWARD_ROLE) ?? 'agent';
  if (role !== 'agent' && role !== 'reviewer') throw new Error(`--role must be agent or reviewer, not ${JSON.stringify(role)}`);

  const jiraUrl = nonEmpty(env.JIRA_URL);
  const jiraUser = nonEmpty(env.JIRA_USERNAME);
  const jiraToken = nonEmpty(env.JIRA_API_TOKEN);
  if ((jiraUrl || jiraUser || jiraToken) && !(jiraUrl && jiraUser && jiraToken)) {
    throw new Error('Jira is partly configured: set all of JIRA_URL, JIRA_USERNAME and JIRA_API_TOKEN (or none, for the outbox).');
  }

  const embeddingsUrl = nonEmpty(env.STEWARD_EMBEDDINGS_URL);
  const embeddingsModel = nonEmpty(env.STEWARD_EMBEDDINGS_MODEL);
  if ((embeddingsUrl || embeddingsModel) && !(embeddingsUrl && embeddingsModel)) {
    throw new Error('Embeddings are partly configured: set both STEWARD_EMBEDDINGS_URL and STEWARD_EMBEDDINGS_MODEL (and STEWARD_EMBEDDINGS_API_KEY if the endpoint needs one), or neither.');
  }
  if (embeddingsUrl && !/^https?:\/\//i.test(embeddingsUrl)) throw new Error(`STEWARD_EMBEDDINGS_URL must be an http(s) URL, not ${JSON.stringify(embeddingsUrl)}`);

  return {
    source,
    embeddings: embeddingsUrl && embeddingsModel ? { url: embeddingsUrl, model: embeddingsModel, apiKey: nonEmpty(env.STEWARD_EMBEDDINGS_API_KEY) } : undefined,
    actingUser: nonEmpty(flags.as) ?? nonEmpty(env.STEWARD_USER),
    policyFile: resolve(nonEmpty(flags.policy) ?? nonEmpty(env.STEWARD_POLICY) ?? DEFAULT_POLICY_FILE),
    dataDir: resolve(nonEmpty(flags.dataDir) ?? nonEmpty(env.STEWARD_DATA_DIR) ?? defaultDataDir(env)),
    role,
    jira: jiraUrl && jiraUser && jiraToken ? { baseUrl: jiraUrl.replace(/\/+$/, ''), email: jiraUser, apiToken: jiraToken } : undefined,
  };
}
