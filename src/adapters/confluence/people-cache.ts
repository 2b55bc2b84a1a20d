/** How long a person looked up by id is reused: display names change rarely, page owners recur often. */
export const PEOPLE_TTL_MS = 10 * 60_000;
const MAX_PEOPLE = 2_000;

/**
 * People looked up by account id (Cloud) or username / user key (Data Center), shared by every
 * call this server makes: a reply that names a page's owner would otherwise cost one more
 * request round each time, after everything else is known. People are not restricted content,
 * so one answer serves every caller. Found or not, an answer is kept for `ttlMs`; a failed
 * lookup (5xx, timeout) is forgotten, so the next call asks again. At most `max` people are
 * kept, the oldest dropped first.
 */
export function createPeopleCache<T>(ttlMs = PEOPLE_TTL_MS, max = MAX_PEOPLE, now: () => number = Date.now) {
  const entries = new Map<string, { at: number; value: Promise<T> }>();
  return {
    get(key: string, load: () => Promise<T>): Promise<T> {
      const cached = entries.get(key);
      if (cached && now() - cached.at < ttlMs) return cached.value;
      entries.delete(key);
      const value = load();
      entries.set(key, { at: now(), value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      while (entries.size > max) entries.delete(entries.keys().next().value!);
      return value;
    },
  };
}
