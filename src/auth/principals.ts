import type { Role } from '../../policies/tool-access.js';
import type { ContentSource } from '../adapters/content-source.js';
import type { Identity } from '../domain/types.js';
import { type TokenEntry, loadTokensFile } from './tokens-file.js';

/**
 * Who is calling the HTTP server: an authenticated token's user (or, without a tokens file, the
 * one loopback user). Sessions are bound to `key`, so a session opened with one credential can
 * never be used with another.
 */
export interface Principal {
  key: string;
  identity: Identity;
  role: Role;
  /** The token's SHA-256 (tokens mode); compared in constant time by the authenticator. */
  tokenSha256?: string;
}

export type Authentication = { mode: 'tokens'; principals: Principal[] } | { mode: 'none'; principal: Principal };

/**
 * Loads the tokens file and resolves every entry's user through the content source. Any
 * problem refuses the start: an unreadable or invalid file, or users the source does not know
 * (listed by entry and user, never by hash).
 */
export async function loadPrincipals(file: string, source: ContentSource): Promise<Principal[]> {
  return resolvePrincipals(loadTokensFile(file), source, file);
}

export async function resolvePrincipals(entries: TokenEntry[], source: ContentSource, origin: string): Promise<Principal[]> {
  const problems: string[] = [];
  const principals: Principal[] = [];
  for (const entry of entries) {
    let user;
    try {
      user = await source.findUser(entry.user);
    } catch (error) {
      problems.push(`  - entry ${entry.index} (user ${JSON.stringify(entry.user)}): lookup failed: ${(error as Error).message}`);
      continue;
    }
    if (!user) {
      problems.push(`  - entry ${entry.index} (user ${JSON.stringify(entry.user)}): no single user with that accountId, email or display name`);
      continue;
    }
    principals.push({
      key: `token:${entry.index}`,
      identity: { accountId: user.accountId, displayName: user.displayName, email: user.email, groups: user.groups },
      role: entry.role,
      tokenSha256: entry.tokenSha256,
    });
  }
  if (problems.length > 0) throw new Error(`tokens file ${origin}: unknown users:\n${problems.join('\n')}`);
  return principals;
}

export function describePrincipal(principal: Principal): string {
  const who = principal.identity.accountId === '' ? 'anonymous' : `${principal.identity.displayName} (${principal.identity.accountId})`;
  return `${who} as ${principal.role}`;
}
