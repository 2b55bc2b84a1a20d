import { PolicyDeniedError } from '../src/errors.js';
import { normalizeSpaceKey } from './space-key.js';

/**
 * Narrows a requested set of spaces to an allowlist. Arguments can only narrow: an absent or
 * empty request means the whole allowlist; any key outside it is a clear error naming what is
 * allowed (policy, not content).
 *
 * Fails closed: an empty allowlist allows nothing.
 */
export function narrowSpaces(
  allowlist: readonly string[],
  requested: readonly string[] | undefined,
  purpose: 'read' | 'draft',
): string[] {
  if (allowlist.length === 0) {
    throw new PolicyDeniedError(`The policy allows no spaces for ${purpose === 'read' ? 'reading' : 'drafting'}.`);
  }
  if (requested === undefined || requested.length === 0) return [...allowlist];
  const allowed = new Set(allowlist);
  const narrowed: string[] = [];
  const refused: string[] = [];
  for (const raw of requested) {
    const key = normalizeSpaceKey(raw);
    if (key !== undefined && allowed.has(key)) {
      if (!narrowed.includes(key)) narrowed.push(key);
    } else {
      refused.push(raw);
    }
  }
  if (refused.length > 0) {
    throw new PolicyDeniedError(
      `Space ${refused.map((s) => JSON.stringify(s)).join(', ')} is not allowed for ${purpose === 'read' ? 'reading' : 'drafting'} by the policy. ` +
        `Allowed spaces: ${allowlist.join(', ')}.`,
    );
  }
  return narrowed;
}

/** True when the space is in the allowlist (exact match after normalising). */
export function spaceAllowed(allowlist: readonly string[], space: string): boolean {
  const key = normalizeSpaceKey(space);
  return key !== undefined && allowlist.includes(key);
}
