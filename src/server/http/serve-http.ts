import { reviewerTokenProblems } from '../../../policies/draft-rules.js';
import { type Authentication, loadPrincipals } from '../../auth/principals.js';
import type { Runtime } from '../../runtime.js';
import { servicesFor } from '../../services/services.js';
import { type HttpOptions } from './http-options.js';
import { startHttpServer } from './http-server.js';

/**
 * `confluence-steward serve --http`: the team server. Loads and checks the tokens file (or, on
 * loopback only, runs unauthenticated as the --as user), serves until SIGTERM/SIGINT, then
 * drains in-flight calls and closes the runtime. Everything human goes to stderr.
 */
export async function serveHttp(runtime: Runtime, options: HttpOptions, log: (message: string) => void): Promise<number> {
  let auth: Authentication;
  let running;
  try {
    auth = options.tokensFile
      ? { mode: 'tokens', principals: await loadPrincipals(options.tokensFile, runtime.source) }
      : { mode: 'none', principal: { key: 'loopback', identity: runtime.identity, role: runtime.config.role } };
    // Reviewer tokens must name reviewers the policy names (review.reviewers).
    if (auth.mode === 'tokens') {
      const disagreements = reviewerTokenProblems(runtime.policy, auth.principals.filter((p) => p.role === 'reviewer').map((p) => p.identity));
      if (disagreements.length > 0) throw new Error(`the tokens file and the policy disagree: ${disagreements.join('; ')}`);
    }
    const services = servicesFor(runtime);
    running = await startHttpServer({ runtime, services, auth, options, log });
  } catch (error) {
    log(`cannot start: ${(error as Error).message}`);
    await runtime.close().catch(() => {});
    return 1;
  }

  log(
    `serving ${runtime.source.describe()} over HTTP at ${running.url} (${options.stateless ? 'stateless' : 'stateful sessions'}), ` +
      `${describeAuth(auth, options)}${describeIdentityMode(runtime, auth)}, policy ${runtime.config.policyFile}${runtime.policy.readOnly ? ' (read-only)' : ''}`,
  );

  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.once(signal, () => {
        log(`${signal} again: exiting without waiting`);
        process.exit(130);
      });
      resolve(signal);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  const signal = await stopped;
  log(`${signal}: finishing ${running.inFlight()} in-flight request(s) (at most ${Math.round(options.shutdownGraceMs / 1000)} s), then stopping`);
  await running.shutdown();
  await runtime.close();
  log('stopped');
  return 0;
}

function describeAuth(auth: Authentication, options: HttpOptions): string {
  if (auth.mode === 'none') {
    const who = auth.principal.identity.accountId === '' ? 'anonymous' : `${auth.principal.identity.displayName} (${auth.principal.identity.accountId})`;
    return `auth none (loopback only) as ${who}, role ${auth.principal.role}`;
  }
  const reviewers = auth.principals.filter((principal) => principal.role === 'reviewer').length;
  return `auth bearer tokens from ${options.tokensFile} (${auth.principals.length - reviewers} agent, ${reviewers} reviewer)`;
}

function describeIdentityMode(runtime: Runtime, auth: Authentication): string {
  if (runtime.source.kind === 'local') return '';
  const config = runtime.config.source;
  if (config.kind === 'confluence' && config.deployment === 'datacenter') return `; Confluence Data Center as ${runtime.identity.accountId} only (the token owner)`;
  return auth.mode === 'tokens'
    ? '; Confluence as each user: their own token (X-Atlassian-Email/X-Atlassian-Api-Token), else the service account with a per-page permission check'
    : '; Confluence as the API token owner, or a user’s own token (X-Atlassian-Email/X-Atlassian-Api-Token)';
}
