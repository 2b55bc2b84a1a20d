import type { Page } from '../../domain/types.js';
import type { Embedder } from './embedder.js';
import { type Passage, passageTokens, passageWithContext, splitIntoPassages, splitIntoPassagesCooperatively } from './passages.js';

export interface CachedPage {
  page: Page;
  /** Split on first use: triage reads pages without needing passages. */
  readonly passages: Passage[];
  /** The same, split without holding the event loop (answers and search use this). */
  passagesReady(): Promise<Passage[]>;
  /** Vectors of these passages (of this page) by this embedder, each computed once per page version. */
  vectorsFor(embedder: Embedder, passages: Passage[]): Promise<Map<Passage, Float32Array>>;
}

function cachedPage(page: Page): CachedPage {
  let passages: Passage[] | undefined;
  let splitting: Promise<Passage[]> | undefined;
  const vectors = new Map<string, Map<Passage, Float32Array>>();
  const entry: CachedPage = {
    page,
    get passages() {
      passages ??= splitIntoPassages(page);
      return passages;
    },
    passagesReady() {
      if (passages) return Promise.resolve(passages);
      splitting ??= splitIntoPassagesCooperatively(page).then((split) => (passages ??= split));
      return splitting;
    },
    async vectorsFor(embedder: Embedder, wanted: Passage[]) {
      let known = vectors.get(embedder.id);
      if (!known) {
        known = new Map();
        vectors.set(embedder.id, known);
      }
      const missing = wanted.filter((p) => !known.has(p));
      if (missing.length > 0) {
        // A failed embedding is not cached: the next answer tries again.
        const computed = embedder.embedTokens
          ? await embedder.embedTokens(missing.map(passageTokens))
          : await embedder.embed(missing.map(passageWithContext));
        missing.forEach((p, i) => known.set(p, computed[i]));
      }
      return new Map(wanted.map((p) => [p, known.get(p)!]));
    },
  };
  return entry;
}

/**
 * Converted pages and their passages, keyed by (page id, version): an unchanged page is never
 * fetched or split twice, and a new version is a new key. Bounded (least recently used out).
 * Content enters only after the gate let a user read it, and is only looked up for pages the
 * gate has just returned to the current user, so sharing it across users exposes nothing.
 */
export class PageCache {
  private readonly entries = new Map<string, CachedPage>();
  hits = 0;
  misses = 0;

  /** `disk` (optional) keeps converted pages across processes; memory stays bounded by `capacity`. */
  constructor(
    private readonly capacity = 500,
    private readonly disk?: { load(pageId: string, version: number): Page | undefined; save(page: Page): void },
  ) {}

  /** Forgets everything (benchmarks measure a cold cache with it). */
  clear(): void {
    this.entries.clear();
  }

  get(pageId: string, version: number): CachedPage | undefined {
    const key = `${pageId}@${version}`;
    const entry = this.entries.get(key);
    if (entry) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry;
    }
    const stored = this.disk?.load(pageId, version);
    if (!stored) return undefined;
    this.hits++;
    return this.remember(cachedPage(stored));
  }

  put(page: Page): CachedPage {
    this.misses++;
    this.disk?.save(page);
    return this.remember(cachedPage(page));
  }

  private remember(entry: CachedPage): CachedPage {
    const key = `${entry.page.id}@${entry.page.version}`;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry;
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping order. */
export async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}
