import type { Page } from '../../domain/types.js';
import type { Embedder } from './embedder.js';
import { type Passage, splitIntoPassages } from './passages.js';

export interface CachedPage {
  page: Page;
  /** Split on first use: triage reads pages without needing passages. */
  readonly passages: Passage[];
  /** The passages' vectors by this embedder, computed once per page version. */
  vectorsFor(embedder: Embedder): Promise<Float32Array[]>;
}

function cachedPage(page: Page): CachedPage {
  let passages: Passage[] | undefined;
  const vectors = new Map<string, Promise<Float32Array[]>>();
  const entry: CachedPage = {
    page,
    get passages() {
      passages ??= splitIntoPassages(page);
      return passages;
    },
    vectorsFor(embedder: Embedder) {
      let pending = vectors.get(embedder.id);
      if (!pending) {
        const texts = entry.passages.map((p) => `${p.title} ${p.heading} ${p.text}`);
        pending = texts.length > 0 ? embedder.embed(texts) : Promise.resolve([]);
        // A failed embedding is not cached: the next answer tries again.
        pending.catch(() => vectors.delete(embedder.id));
        vectors.set(embedder.id, pending);
      }
      return pending;
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
