import { PolicyGate } from '../../../policies/gate.js';
import type { Role } from '../../../policies/tool-access.js';
import type { AtlassianCredentials } from '../../auth/atlassian-credentials.js';
import type { Principal } from '../../auth/principals.js';
import type { ContentSource } from '../../adapters/content-source.js';
import type { Identity } from '../../domain/types.js';
import { StewardError } from '../../errors.js';
import type { Runtime } from '../../runtime.js';
import { HttpRefusal } from './replies.js';

/**
 * Who one MCP session (or, stateless, one request) acts as, and the gate that acts for them.
 *
 * - local source: the principal is a site user; the store evaluates restrictions for them.
 * - Confluence, service account + end user (mode b): the shared source (CONFLUENCE_* account) is
 *   asked for the principal's identity; because that identity is not the token owner, the source
 *   checks every page with Confluence's permission-check endpoint for that user and fails closed.
 * - Confluence, the user's own Atlassian token (mode a): a source with those credentials, so
 *   Confluence itself enforces that user's permissions. With a tokens file the Atlassian account
 *   must be the bearer token's user.
 *
 * - Confluence Data Center: only the owner of the server's token. Data Center cannot check another
 *   user's page permissions, so a principal who is someone else is refused, as are per-user
 *   Atlassian headers (mode a is Cloud's email + API token).
 *
 * Either way the gate is the only path to content.
 */
export interface ActingContext {
  identity: Identity;
  role: Role;
  gate: PolicyGate;
  /** Fingerprint of the per-user Atlassian credentials, when mode (a) is in use. */
  credentialFingerprint?: string;
  /** How the identity is enforced, for logs. */
  mode: 'local' | 'service-account' | 'own-token' | 'token-owner';
  close(): Promise<void>;
}

export async function actingContextFor(runtime: Runtime, principal: Principal, credentials: AtlassianCredentials | undefined): Promise<ActingContext> {
  const role = principal.role;
  const dataCenter = runtime.config.source.kind === 'confluence' && runtime.config.source.deployment === 'datacenter';
  if (dataCenter && credentials !== undefined) {
    throw new HttpRefusal(400, 'X-Atlassian-Email / X-Atlassian-Api-Token apply only to Confluence Cloud; this server reads Confluence Data Center with its own personal access token.');
  }
  if (dataCenter && principal.tokenSha256 !== undefined && principal.identity.accountId !== runtime.identity.accountId) {
    // Data Center has no endpoint that checks another user's page permissions: refused, never guessed.
    throw new HttpRefusal(
      403,
      `On Confluence Data Center this server reads only as ${runtime.identity.accountId}, the owner of its personal access token; acting for another user is not available.`,
    );
  }
  if (credentials === undefined) {
    const mode = runtime.source.kind === 'local' ? 'local' : principal.tokenSha256 === undefined ? 'token-owner' : 'service-account';
    return { identity: principal.identity, role, gate: runtime.gateFor(principal.identity, role), mode, close: async () => {} };
  }
  const config = runtime.config.source;
  if (config.kind !== 'confluence') {
    throw new HttpRefusal(400, 'X-Atlassian-Email / X-Atlassian-Api-Token apply only when the server uses Confluence Cloud; this one serves a local site.');
  }
  const { createConfluenceSource } = await import('../../adapters/confluence/confluence-source.js');
  const source = createConfluenceSource({ baseUrl: config.baseUrl, email: credentials.email, apiToken: credentials.apiToken });
  try {
    let owner;
    try {
      owner = await source.currentUser();
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401 || status === 403) throw new HttpRefusal(403, 'Confluence did not accept the credentials in X-Atlassian-Email / X-Atlassian-Api-Token.');
      throw new HttpRefusal(502, error instanceof StewardError ? error.message : 'Could not check the Atlassian credentials with Confluence.');
    }
    if (principal.tokenSha256 !== undefined && owner.accountId !== principal.identity.accountId) {
      throw new HttpRefusal(403, 'The Atlassian API token belongs to a different account than the user of this bearer token.');
    }
    const identity: Identity = { accountId: owner.accountId, displayName: owner.displayName, email: owner.email ?? credentials.email, groups: [] };
    return {
      identity,
      role,
      gate: gateWith(runtime, identity, role, source),
      credentialFingerprint: credentials.fingerprint,
      mode: 'own-token',
      close: () => source.close(),
    };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/** A gate over a per-user source: same policy and audit as the runtime's, different credentials. */
function gateWith(runtime: Runtime, identity: Identity, role: Role, source: ContentSource): PolicyGate {
  return new PolicyGate(runtime.policy, identity, role, source, runtime.audit);
}
