import { contentTerms, isStopword, tokenize } from '../../text/terms.js';

export interface UnansweredQuestion {
  id: number;
  text: string;
  at: string;
  status: string;
}

export interface GapCluster {
  size: number;
  /** Words most members share, unstemmed, for a reader to scan. */
  keywords: string[];
  /** Newest first. */
  questions: UnansweredQuestion[];
}

/** Two questions belong together when their stemmed content terms overlap this much (Jaccard). */
export const DEFAULT_SIMILARITY = 0.4;

/**
 * Repeated knowledge gaps: unanswered questions grouped by token Jaccard similarity on
 * stemmed content terms. Greedy, in time order: a question joins the cluster holding its most
 * similar earlier question when that similarity reaches the threshold, else starts one.
 * O(n·m) for n questions and m clustered so far; the caller bounds n.
 */
export function clusterQuestions(questions: readonly UnansweredQuestion[], threshold = DEFAULT_SIMILARITY): GapCluster[] {
  const ordered = [...questions].sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  const clusters: { members: UnansweredQuestion[]; terms: Set<string>[] }[] = [];
  for (const question of ordered) {
    const terms = new Set(contentTerms(question.text));
    const key = normalized(question.text);
    let best: { index: number; score: number } | undefined;
    clusters.forEach((cluster, index) => {
      for (let i = 0; i < cluster.members.length; i++) {
        // Questions without content terms ("why?") only group with identical text.
        const score = terms.size === 0 || cluster.terms[i].size === 0
          ? (normalized(cluster.members[i].text) === key ? 1 : 0)
          : jaccard(terms, cluster.terms[i]);
        if (score >= threshold && (!best || score > best.score)) best = { index, score };
      }
    });
    if (best) {
      clusters[best.index].members.push(question);
      clusters[best.index].terms.push(terms);
    } else clusters.push({ members: [question], terms: [terms] });
  }
  return clusters
    .map((cluster) => ({
      size: cluster.members.length,
      keywords: keywordsOf(cluster.members.map((member) => member.text)),
      questions: [...cluster.members].reverse(),
    }))
    .sort((a, b) => b.size - a.size || b.questions[0].at.localeCompare(a.questions[0].at));
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return shared / (a.size + b.size - shared);
}

function normalized(text: string): string {
  return tokenize(text).join(' ');
}

/** Up to four plain words, the ones in most members first (ties: first seen). */
function keywordsOf(texts: string[]): string[] {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of new Set(tokenize(text).filter((token) => token.length > 2 && !isStopword(token) && !/^\d+$/.test(token)))) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const needed = texts.length > 1 ? Math.ceil(texts.length / 2) : 1;
  return [...counts.entries()]
    .filter(([, count]) => count >= needed)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([word]) => word);
}
