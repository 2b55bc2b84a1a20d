import { normalizeSpaceKey } from '../policies/space-key.js';
import type { Runtime } from './runtime.js';

export interface SpaceCheck {
  /** Policy read spaces the source has. */
  readable: string[];
  /** Policy read spaces the source does not have (or does not show this user). */
  missing: string[];
  /** The source's spaces, sorted. */
  available: string[];
  /** One line for stderr: empty when nothing is missing. */
  message: string;
}

const SHOWN = 20;

function list(keys: string[]): string {
  return keys.length > SHOWN ? `${keys.slice(0, SHOWN).join(', ')}, … (${keys.length} in all)` : keys.join(', ');
}

/**
 * The policy's read spaces against the source's (`listSpaces`): a key the source does not have
 * can never return anything, which otherwise shows only as every search being empty.
 */
export async function checkReadableSpaces(runtime: Runtime): Promise<SpaceCheck> {
  const available = [...new Set((await runtime.source.listSpaces()).map((space) => normalizeSpaceKey(space.key) ?? space.key))].sort();
  const present = new Set(available);
  const wanted = runtime.policy.read.spaces;
  const readable = wanted.filter((space) => present.has(space));
  const missing = wanted.filter((space) => !present.has(space));
  const where = runtime.source.describe();
  const theirs = available.length > 0 ? `its spaces are ${list(available)}` : 'it shows no spaces at all to this user';
  let message = '';
  if (readable.length === 0) {
    message = `nothing is readable: none of the policy's read.spaces (${list(wanted)}) exists in ${where}; ${theirs}. Check read.spaces in ${runtime.config.policyFile} (\`confluence-steward init\` writes a policy from the source's spaces)${runtime.config.spacesFilter ? ` and ${runtime.config.spacesFilter.from}` : ''}.`;
  } else if (missing.length > 0) {
    message = `policy read.spaces ${list(missing)} not in ${where} (or not visible to this user); nothing can be read from them. Serving ${list(readable)}; ${theirs}.`;
  }
  return { readable, missing, available, message };
}
