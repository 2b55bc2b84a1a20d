import type { CliContext } from './cli-options.js';
import { commonFlags } from './cli-flags.js';
import { resolveConfig } from './config.js';
import { createRuntime } from './runtime.js';

/** `confluence-steward serve`: MCP over stdio for one acting user and role. */
export async function runServe(context: CliContext): Promise<number> {
  let runtime;
  try {
    runtime = await createRuntime(resolveConfig(commonFlags(context.values), process.env));
  } catch (error) {
    context.err(`cannot start: ${(error as Error).message}`);
    return 1;
  }
  const who = runtime.identity.accountId === '' ? 'anonymous' : `${runtime.identity.displayName} (${runtime.identity.accountId})`;
  context.err(
    `serving ${runtime.source.describe()} as ${who}, role ${runtime.config.role}, policy ${runtime.config.policyFile}${runtime.policy.readOnly ? ' (read-only)' : ''}`,
  );
  const { serveStdio } = await import('./server/serve-stdio.js');
  await serveStdio(runtime, context.err);
  return 0;
}
