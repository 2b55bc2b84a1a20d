import type { CliContext } from './cli-options.js';
import { commonFlags } from './cli-flags.js';
import { type StewardConfig, resolveConfig } from './config.js';
import { UpstreamError } from './errors.js';
import { type Runtime, createRuntime } from './runtime.js';
import { checkReadableSpaces } from './start-checks.js';

/** `confluence-steward serve`: MCP over stdio for one acting user and role, or `--http` for a team. */
export async function runServe(context: CliContext): Promise<number> {
  const { values } = context;
  if (!values.http && (values.port !== undefined || values.host !== undefined || values.tokens !== undefined || values.stateless)) {
    context.err('cannot start: --port, --host, --tokens and --stateless apply only with --http');
    return 2;
  }
  let httpOptions;
  if (values.http) {
    const { resolveHttpOptions } = await import('./server/http/http-options.js');
    try {
      httpOptions = resolveHttpOptions({ host: values.host, port: values.port, stateless: values.stateless, tokens: values.tokens }, process.env);
    } catch (error) {
      context.err(`cannot start: ${(error as Error).message}`);
      return 1;
    }
  }
  let config: StewardConfig;
  let enabledNotices: string[];
  try {
    config = resolveConfig(commonFlags(context.values), process.env);
    // Unknown ENABLED_TOOLS or TOOLSETS names fail closed before anything is opened.
    const { resolveEnabledTools } = await import('./server/enabled-tools.js');
    enabledNotices = resolveEnabledTools(config, config.role, false).notices;
  } catch (error) {
    context.err(`cannot start: ${(error as Error).message}`);
    return 1;
  }
  let runtime: Runtime;
  try {
    runtime = await createRuntime(config);
  } catch (error) {
    context.err(`cannot start: ${startFailure(config, error)}`);
    return 1;
  }
  try {
    for (const notice of [...runtime.notices, ...(httpOptions ? [] : enabledNotices)]) context.err(notice);
    const spaces = await checkReadableSpaces(runtime);
    if (spaces.missing.length > 0 && spaces.readable.length > 0) context.err(spaces.message);
    if (spaces.readable.length === 0) {
      context.err(`cannot start: ${spaces.message}`);
      await runtime.close();
      return 1;
    }
  } catch (error) {
    context.err(`cannot start: ${startFailure(config, error, 'listing its spaces')}`);
    await runtime.close();
    return 1;
  }
  if (httpOptions) {
    const { serveHttp } = await import('./server/http/serve-http.js');
    return serveHttp(runtime, httpOptions, context.err);
  }
  const who = runtime.identity.accountId === '' ? 'anonymous' : `${runtime.identity.displayName} (${runtime.identity.accountId})`;
  context.err(
    `serving ${runtime.source.describe()} as ${who}, role ${runtime.config.role}, policy ${runtime.config.policyFile}${runtime.policy.readOnly ? ' (read-only)' : ''}`,
  );
  const { serveStdio } = await import('./server/serve-stdio.js');
  await serveStdio(runtime, context.err);
  return 0;
}

/**
 * One line saying what failed and what to check. A Confluence that cannot be reached, or that
 * refuses the credentials, is named with its URL and the variables that configure it.
 */
export function startFailure(config: StewardConfig, error: unknown, doing?: string): string {
  const message = ((error as Error)?.message ?? String(error)).replace(/\s*\n\s*/g, ' ');
  if (config.source.kind !== 'confluence' || !(error instanceof UpstreamError)) {
    return (error as Error)?.message ?? String(error);
  }
  const dataCenter = config.source.deployment === 'datacenter';
  const pat = config.source.deployment === 'datacenter' && config.source.auth.type === 'bearer';
  const at = `Confluence${dataCenter ? ' Data Center' : ''} at ${config.source.baseUrl}`;
  const status = (error as UpstreamError & { status?: number }).status;
  const during = doing ? ` while ${doing}` : '';
  const credentials = !dataCenter
    ? 'CONFLUENCE_USERNAME and CONFLUENCE_API_TOKEN'
    : pat
      ? 'CONFLUENCE_PERSONAL_TOKEN'
      : 'CONFLUENCE_USERNAME and CONFLUENCE_PASSWORD';
  if (status === 401) {
    const what = !dataCenter
      ? "the token's owner email, an unexpired API token"
      : pat
        ? 'an unexpired personal access token, made in Profile → Personal Access Tokens'
        : 'the username and password';
    return `${at} rejected the credentials (401)${during}: check ${credentials} (${what}).`;
  }
  if (status === 403) {
    return `${at} refused the token's account (403)${during}: check that the account may use Confluence and that ${credentials} belong to it.`;
  }
  if (/could not reach|did not answer/i.test(message)) {
    const example = dataCenter ? 'https://wiki.example.com or https://example.com/confluence' : 'https://your-site.atlassian.net';
    return `${at} could not be reached${during} (${message}); check CONFLUENCE_URL (${example}) and the network or proxy.`;
  }
  return `${at}${during}: ${message} Check CONFLUENCE_URL and ${credentials}.`;
}
