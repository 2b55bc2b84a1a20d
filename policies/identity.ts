/**
 * Who is who, as the policy compares people. An identity is canonical when it carries the
 * source's account id; emails and display names are other spellings of the same person.
 * Comparisons fail closed: any shared spelling (account id, email, display name, compared
 * case-insensitively) makes two records one person, so a drafter cannot become "someone else"
 * by writing their name differently.
 */
export interface PersonRecord {
  accountId: string;
  email?: string | null;
  displayName?: string | null;
}

function spellings(person: PersonRecord): Set<string> {
  const values = [person.accountId, person.email, person.displayName];
  return new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim().toLowerCase()));
}

/** True when any record of `a` and any record of `b` share a spelling. */
export function samePerson(a: readonly PersonRecord[], b: readonly PersonRecord[]): boolean {
  const left = new Set(a.flatMap((person) => [...spellings(person)]));
  return b.some((person) => [...spellings(person)].some((value) => left.has(value)));
}

/** Whether `person` is one of `refs` (account ids or emails, case-insensitive). Display names never match: they are not unique. */
export function namedIn(refs: readonly string[], person: PersonRecord): boolean {
  const wanted = new Set(refs.map((ref) => ref.trim().toLowerCase()).filter(Boolean));
  const own = [person.accountId, person.email].filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  return own.some((value) => wanted.has(value.trim().toLowerCase()));
}
