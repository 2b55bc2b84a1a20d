import { CATALOG } from './catalog.js';

/** Words of a type name as people write it: `PagePublishedTrigger`, `page_published`, `page published`. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Two words match when equal or when one starts the other with at least 4 letters (publish / published). */
function sameWord(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

/**
 * The catalog types an unknown name most likely meant, best first (at most `limit`): those
 * sharing the most words with it, `page_published` → PagePublishedTrigger. Excluded components
 * are never suggested. Empty when no word is shared: a guess with nothing in common helps no one.
 */
export function similarTypes(name: string, limit = 3): string[] {
  const asked = words(name);
  const scored = CATALOG.filter((entry) => entry.governance !== 'excluded')
    .map((entry) => {
      const own = words(entry.type);
      const shared = asked.filter((word) => own.some((other) => sameWord(word, other))).length;
      // Ties go to the name with fewer words left unmatched (the closer one).
      return { type: entry.type, shared, extra: own.length - shared };
    })
    .filter((candidate) => candidate.shared > 0);
  scored.sort((a, b) => b.shared - a.shared || a.extra - b.extra || a.type.localeCompare(b.type));
  const best = scored[0]?.shared ?? 0;
  return scored.filter((candidate) => candidate.shared === best).slice(0, limit).map((candidate) => candidate.type);
}
