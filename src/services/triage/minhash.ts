/**
 * MinHash signatures over word shingles and LSH banding, so near-duplicate pages are found
 * without comparing every pair: only pages that share a band bucket are compared.
 */
const HASHES = 64;
const BANDS = 16;
const ROWS = HASHES / BANDS;
const SHINGLE = 3;
const MAX_SHINGLES = 4000;

// Fixed odd multipliers and offsets: deterministic signatures across runs and processes.
const A = Array.from({ length: HASHES }, (_, i) => (Math.imul(0x9e3779b1, i + 1) | 1) >>> 0);
const B = Array.from({ length: HASHES }, (_, i) => Math.imul(0x85ebca6b, i + 7) >>> 0);

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function shingleHashes(words: string[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + SHINGLE <= words.length && out.size < MAX_SHINGLES; i++) {
    out.add(fnv1a(words.slice(i, i + SHINGLE).join(' ')));
  }
  if (words.length > 0 && words.length < SHINGLE) out.add(fnv1a(words.join(' ')));
  return out;
}

export function signature(shingles: Set<number>): Uint32Array {
  const sig = new Uint32Array(HASHES).fill(0xffffffff);
  for (const x of shingles) {
    for (let i = 0; i < HASHES; i++) {
      const h = (Math.imul(A[i], x) + B[i]) >>> 0;
      if (h < sig[i]) sig[i] = h;
    }
  }
  return sig;
}

export function estimatedJaccard(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < HASHES; i++) if (a[i] === b[i]) same++;
  return same / HASHES;
}

/** Candidate pairs: items whose signatures agree on every row of at least one band. */
export function lshCandidatePairs<T>(items: { key: T; sig: Uint32Array }[]): [T, T][] {
  const pairs = new Map<string, [T, T]>();
  for (let band = 0; band < BANDS; band++) {
    const buckets = new Map<string, number[]>();
    items.forEach((item, index) => {
      const key = Array.from(item.sig.subarray(band * ROWS, band * ROWS + ROWS)).join(',');
      const bucket = buckets.get(key);
      if (bucket) bucket.push(index);
      else buckets.set(key, [index]);
    });
    for (const bucket of buckets.values()) {
      if (bucket.length < 2 || bucket.length > 50) continue; // huge buckets are boilerplate, not duplicates
      for (let i = 0; i < bucket.length; i++) {
        for (let j = i + 1; j < bucket.length; j++) {
          const [x, y] = [bucket[i], bucket[j]];
          pairs.set(`${x}:${y}`, [items[x].key, items[y].key]);
        }
      }
    }
  }
  return [...pairs.values()];
}
