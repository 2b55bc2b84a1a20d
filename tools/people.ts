import type { PolicyGate } from '../policies/gate.js';

/** Display name for an account id, or null when it names nobody the source knows. */
export type PersonNames = (accountId: string | null | undefined) => Promise<string | null>;

/**
 * Names for the people a tool's reply mentions, resolved through the gate (people are not
 * restricted content). Make one per call: it looks each person up once, so a list naming
 * the same owner twenty times asks the source once. A failed lookup gives null, never a
 * failed call: the account id is still there.
 */
export function personNames(gate: PolicyGate): PersonNames {
  const cache = new Map<string, Promise<string | null>>();
  return (accountId) => {
    if (!accountId) return Promise.resolve(null);
    let name = cache.get(accountId);
    if (!name) {
      name = gate.displayNameOf(accountId).then(
        (found) => found ?? null,
        () => null,
      );
      cache.set(accountId, name);
    }
    return name;
  };
}
