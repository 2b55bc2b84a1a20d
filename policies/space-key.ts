/**
 * Space keys as the policy compares them. Global space keys are ASCII letters and digits
 * (Confluence upper-cases them); personal spaces start with `~`. Anything else is rejected
 * before any comparison, so look-alikes (`ıT` upper-cases to `IT`) can never match.
 */
const SPACE_KEY = /^~?[A-Za-z0-9_-]{1,255}$/;

/** Returns the canonical key, or undefined when the text is not a space key at all. */
export function normalizeSpaceKey(raw: string): string | undefined {
  const key = raw.trim();
  if (!SPACE_KEY.test(key)) return undefined;
  // Personal space keys carry an account id and are case-sensitive; global ones are upper case.
  return key.startsWith('~') ? key : key.toUpperCase();
}

export function isSpaceKey(raw: string): boolean {
  return normalizeSpaceKey(raw) !== undefined;
}
