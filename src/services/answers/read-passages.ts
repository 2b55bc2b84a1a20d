import type { PolicyGate } from '../../../policies/gate.js';
import type { PageSummary } from '../../domain/types.js';
import { PageNotFoundError } from '../../errors.js';
import type { Services } from '../services.js';
import type { Embedder } from './embedder.js';
import { type CachedPage, mapBounded } from './page-cache.js';
import type { Passage } from './passages.js';
import type { QuestionAnalysis } from './question.js';
import type { RankInput } from './rank-passages.js';
import { rankablePassages } from './rankable.js';

/**
 * Bodies of the given hits through the gate, cached by (id, version), in parallel. A page that
 * vanished or lost permission between search and read is `undefined`. With `uncached: 'skip'`,
 * only pages already in the cache are returned (search on a remote source must not cost a body
 * request per hit).
 */
export async function readPages(gate: PolicyGate, services: Services, tool: string, hits: PageSummary[], uncached: 'read' | 'skip' = 'read') {
  return mapBounded(hits, 6, async (hit): Promise<CachedPage | undefined> => {
    const cached = services.pageCache.get(hit.id, hit.version);
    if (cached || uncached === 'skip') return cached;
    try {
      return services.pageCache.put(await gate.readPage(tool, hit.id));
    } catch (error) {
      if (error instanceof PageNotFoundError) return undefined;
      throw error;
    }
  });
}

/**
 * What ranking reads for a question: the read pages' passages — split, and for huge pages
 * narrowed, without holding the event loop (rankable.ts) — each with its page's position and
 * its vector. Meaning is a ranking signal, not a gate: when the embedder fails, ranking goes on
 * without it and `embeddingFailed` says so.
 */
export async function passageInputs(entries: (CachedPage | undefined)[], question: QuestionAnalysis, embedder: Embedder | undefined) {
  const read = entries.filter((entry) => entry !== undefined);
  const rankable = new Map(await Promise.all(read.map(async (entry) => [entry, await rankablePassages(await entry.passagesReady(), question)] as const)));
  const meaning = await embed(embedder, question.question, rankable);
  const inputs: RankInput[] = [];
  entries.forEach((entry, pageRank) => {
    if (!entry) return;
    for (const passage of rankable.get(entry)!) inputs.push({ passage, pageRank, vector: meaning.vectors.get(passage) });
  });
  return { inputs, questionVector: meaning.question, embeddingFailed: meaning.failed };
}

async function embed(embedder: Embedder | undefined, question: string, rankable: Map<CachedPage, Passage[]>) {
  const vectors = new Map<Passage, Float32Array>();
  if (!embedder) return { question: undefined, vectors, failed: false };
  try {
    const [vector] = await embedder.embed([question]);
    for (const found of await Promise.all([...rankable].map(([entry, passages]) => entry.vectorsFor(embedder, passages)))) {
      for (const [passage, v] of found) vectors.set(passage, v);
    }
    return { question: vector, vectors, failed: false };
  } catch {
    return { question: undefined, vectors: new Map<Passage, Float32Array>(), failed: true };
  }
}
