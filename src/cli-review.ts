import { commonFlags, openReviewerRuntime } from './cli-flags.js';
import type { CliContext } from './cli-options.js';
import { type ConsoleToken, isLoopbackHost, loadTokens } from './console/auth.js';

/**
 * `confluence-steward review`: the reviewer console on http://127.0.0.1:3334. On loopback
 * without a tokens file the reviewer is --as; with --tokens every request signs in, and only
 * then may --host be something other than loopback. Runs until SIGINT/SIGTERM.
 */
export async function runReview(context: CliContext): Promise<number> {
  const { values, err } = context;
  const env = process.env;
  const flags = commonFlags(values);
  const host = nonEmpty(values.host) ?? nonEmpty(env.STEWARD_REVIEW_HOST) ?? '127.0.0.1';
  const portText = nonEmpty(values.port) ?? nonEmpty(env.STEWARD_REVIEW_PORT) ?? '3334';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    err(`--port must be a number from 0 to 65535, not ${JSON.stringify(portText)}`);
    return 2;
  }
  const tokensFile = nonEmpty(values.tokens) ?? nonEmpty(env.STEWARD_TOKENS);
  let tokens: ConsoleToken[] | undefined;
  if (tokensFile) {
    try {
      tokens = loadTokens(tokensFile);
    } catch (error) {
      err(`cannot start: ${(error as Error).message}`);
      return 1;
    }
  }
  if (!tokens && !isLoopbackHost(host)) {
    err(`refusing to listen on ${host} without reviewer authentication: give --tokens FILE (or STEWARD_TOKENS), or use 127.0.0.1`);
    return 2;
  }
  const asGiven = nonEmpty(flags.as) ?? nonEmpty(env.STEWARD_USER);
  if (!tokens && !asGiven) {
    err('the review console needs the reviewer identity: --as USER (or STEWARD_USER), or a tokens file');
    return 2;
  }

  const runtime = await openReviewerRuntime(flags, env, err);
  if (!runtime) return 1;
  const { startConsole } = await import('./console/server.js');
  let handle;
  try {
    handle = await startConsole({ runtime, host, port, tokens, reviewer: asGiven ? runtime.identity : undefined, log: err });
  } catch (error) {
    await runtime.close();
    err(`cannot start: ${(error as Error).message}`);
    return 1;
  }
  const who = tokens ? `reviewers signing in with a token from ${tokensFile}` : `${runtime.identity.displayName} (${runtime.identity.accountId})`;
  err(`review console at ${handle.url}/ for ${who}; ${runtime.source.describe()}; Ctrl-C stops it`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await handle.close();
  await runtime.close();
  return 0;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
