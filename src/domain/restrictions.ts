import type { Identity, RestrictionSet } from './types.js';

/**
 * Confluence view restrictions as a pure rule. A page carries its own restriction set plus
 * one per restricted ancestor; the reader must be named (by account id) or be a member of a
 * named group in every one of them. An empty set restricts nothing (that is how Confluence
 * reports an unrestricted page).
 *
 * Fails closed: an identity without an account id can only read unrestricted pages.
 */
export function canRead(identity: Identity, sets: readonly RestrictionSet[] | undefined): boolean {
  // Policy: `undefined` means the source already enforced this user's permissions (Cloud with
  // the user's own token); the gate still applies spaces and labels.
  if (sets === undefined) return true;
  const groups = new Set(identity.groups);
  return sets.every((set) => {
    if (set.users.length === 0 && set.groups.length === 0) return true;
    if (identity.accountId !== '' && set.users.includes(identity.accountId)) return true;
    return set.groups.some((group) => groups.has(group));
  });
}

/** Principals in the form the local store indexes them, for filtering inside SQL. */
export function principalsOf(identity: Identity): string[] {
  const principals = identity.groups.map((group) => `group:${group}`);
  if (identity.accountId !== '') principals.push(`user:${identity.accountId}`);
  return principals;
}
