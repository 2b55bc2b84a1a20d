import type { CliContext } from './cli-options.js';
import { commonFlags } from './cli-flags.js';
import { resolveConfig } from './config.js';
import { createRuntime } from './runtime.js';

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
  let runtime;
  try {
    runtime = await createRuntime(resolveConfig(commonFlags(context.values), process.env));
  } catch (error) {
    context.err(`cannot start: ${(error as Error).message}`);
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
