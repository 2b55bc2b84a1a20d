import type { PolicyGate, SearchArgs } from '../../../policies/gate.js';
import type { PageSummary } from '../../domain/types.js';
import type { Services } from '../services.js';
import { quoteWindow } from './compose.js';
import { cleanPassageText } from './injection.js';
import { analyzeQuestion } from './question.js';
import { rankPassages } from './rank-passages.js';
import { passageInputs, readPages } from './read-passages.js';

export interface SearchHit {
  page: PageSummary;
  /** The page's best-matching passage (or the source's excerpt when its body was not read), plain text. */
  excerpt: string;
}

const EXCERPT_CHARS = 320;
const TOOL = 'search_pages';

/**
 * search_pages: the gate's page search, then every hit's passages ranked exactly as
 * answer_with_sources ranks them, so the excerpt is the passage that best matches the query
 * and the order is the answer's order. Bodies come from the page cache; uncached ones are read
 * only when reading is cheap (the local index) — on Confluence a search must not cost a body
 * request per hit, so uncached hits keep Confluence's own excerpt.
 */
export async function searchPages(gate: PolicyGate, services: Services, args: SearchArgs): Promise<{ hits: SearchHit[]; cursor?: string }> {
  const { pages: found, cursor } = await gate.searchWindow(TOOL, args);
  const more = cursor === undefined ? {} : { cursor };
  if (found.length === 0) return { hits: [], ...more };
  const entries = await readPages(gate, services, TOOL, found, services.readBodiesForSearch ? 'read' : 'skip');
  const question = analyzeQuestion(args.text);
  const { inputs, questionVector } = await passageInputs(entries, question, services.embedder);
  const ranked = rankPassages(inputs, { question, questionVector, soft: services.softMatcher() });
  const best = new Map<string, (typeof ranked)[number]>();
  for (const r of ranked) if (!best.has(r.passage.pageId)) best.set(r.passage.pageId, r);
  const hits = found.map((page, rank) => {
    const top = best.get(page.id);
    const excerpt = top ? quoteWindow(top.passage.text, top.bestSentence, EXCERPT_CHARS) : cleanPassageText(page.excerpt).text;
    return { page, excerpt, score: top?.score ?? -1, rank };
  });
  // Pages whose passages were ranked lead, in the answer's order; the rest keep the source's order.
  // Each window is ordered on its own: a cursor continues after the source's window, never repeats one.
  hits.sort((a, b) => b.score - a.score || a.rank - b.rank);
  return { hits: hits.map(({ page, excerpt }) => ({ page, excerpt })), ...more };
}
