import type { PageSummary } from '../../domain/types.js';
import { stemToken, tokenize } from '../../text/terms.js';
import type { QuestionAnalysis } from './question.js';

/**
 * Orders the search's candidates before any body is read: the source's own rank, fused with
 * how much of the question the title, labels and excerpt already show. On Confluence this
 * decides which six bodies one parallel round fetches; locally it is the same rule, so both
 * modes answer alike.
 */
export function rankPages(found: PageSummary[], question: QuestionAnalysis): PageSummary[] {
  const total = question.terms.reduce((sum, t) => sum + t.rarity, 0);
  const scored = found.map((page, rank) => {
    const titleStems = new Set(tokenize(`${page.title} ${page.labels.join(' ')}`).map(stemToken));
    const excerptStems = new Set(tokenize(page.excerpt).map(stemToken));
    let shown = 0;
    for (const term of question.terms) {
      if (titleStems.has(term.stem)) shown += term.rarity;
      else if (excerptStems.has(term.stem)) shown += 0.5 * term.rarity;
    }
    const coverage = total > 0 ? shown / total : 0;
    return { page, score: 0.6 / (1 + rank / 3) + 0.4 * coverage, rank };
  });
  scored.sort((a, b) => b.score - a.score || a.rank - b.rank);
  return scored.map((s) => s.page);
}
