import { isStopword, tokenize } from '../../text/terms.js';

const MAX_TERMS = 32;

/** Tokens worth searching for: stopwords dropped unless nothing else is left. */
export function searchTerms(text: string): string[] {
  const tokens = tokenize(text);
  const meaningful = tokens.filter((token) => !isStopword(token));
  return [...new Set(meaningful.length > 0 ? meaningful : tokens)].slice(0, MAX_TERMS);
}

/**
 * An FTS5 MATCH expression for free text. Agent text never becomes query syntax: each term is
 * letters and digits only and is wrapped in double quotes, joined with OR so BM25 ranks pages
 * by how many terms they share. Returns undefined when the text holds no searchable word.
 */
export function ftsMatchExpression(text: string): string | undefined {
  const terms = searchTerms(text);
  return terms.length === 0 ? undefined : terms.map((term) => `"${term}"`).join(' OR ');
}
