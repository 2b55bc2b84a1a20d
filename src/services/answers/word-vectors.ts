import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../package-root.js';

/** Built by scripts/build-word-vectors.mjs from GloVe 100-d (PDDL), shipped with the package. */
export const WORD_VECTORS_FILE = join(PACKAGE_ROOT, 'data', 'word-vectors.bin');

/**
 * GloVe word vectors (int8, one scale per word) for the most frequent English words, in
 * frequency order. Besides similarity, the rank is a corpus-independent estimate of how common
 * a word is: what lets "is this question's topic word in the evidence?" mean the same thing
 * for every question and every site.
 */
export class WordVectors {
  readonly dims: number;
  private readonly index = new Map<string, number>();
  private readonly vectors: Int8Array;
  /** Each word's squared vector length (an integer), computed on first use; 0 = not yet (or a zero vector). */
  private readonly squaredNorms: Float64Array;

  private constructor(buffer: Buffer) {
    if (buffer.toString('latin1', 0, 6) !== 'CSWV1\n') throw new Error('word vector file: unknown format');
    const count = buffer.readUInt32LE(6);
    this.dims = buffer.readUInt32LE(10);
    const wordBytes = buffer.readUInt32LE(14);
    const words = buffer.toString('utf8', 18, 18 + wordBytes).split('\n');
    if (words.length !== count) throw new Error('word vector file: word count mismatch');
    words.forEach((word, i) => this.index.set(word, i));
    // Per-word scales (f32[count]) follow the words; every use normalises a vector, so they cancel out.
    const vectorsAt = 18 + wordBytes + count * 4;
    // A copy, so the typed array is aligned whatever the header length.
    this.vectors = new Int8Array(buffer.buffer.slice(buffer.byteOffset + vectorsAt, buffer.byteOffset + vectorsAt + count * this.dims));
    this.squaredNorms = new Float64Array(count);
  }

  static load(file = WORD_VECTORS_FILE): WordVectors {
    return new WordVectors(readFileSync(file));
  }

  get size(): number {
    return this.index.size;
  }

  /** 0-based frequency rank, or undefined for a word outside the vocabulary. */
  rank(word: string): number | undefined {
    return this.index.get(word);
  }

  /**
   * The common word an unknown one is a slip of ("mesage" → "message", "reqest" → "request"):
   * the most frequent vocabulary word among the first `within` ranks one edit away (insertion,
   * deletion, substitution, swap), or undefined. Known words, short words and words with
   * digits are left alone; so is an unknown word nothing common is one edit from ("kubectl").
   */
  correction(word: string, within = 30_000): string | undefined {
    if (word.length < 4 || this.index.has(word) || !/^[a-z]+$/.test(word)) return undefined;
    let best: string | undefined;
    let bestRank = within;
    const consider = (candidate: string) => {
      const r = this.index.get(candidate);
      if (r !== undefined && r < bestRank) {
        best = candidate;
        bestRank = r;
      }
    };
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (let i = 0; i <= word.length; i++) {
      const head = word.slice(0, i);
      const tail = word.slice(i);
      if (tail) consider(head + tail.slice(1));
      if (tail.length > 1) consider(head + tail[1] + tail[0] + tail.slice(2));
      for (const c of letters) {
        consider(head + c + tail);
        if (tail) consider(head + c + tail.slice(1));
      }
    }
    return best;
  }

  /** Adds `weight ×` the word's (unit) vector into `into`; false when the word is unknown. */
  addTo(into: Float32Array, word: string, weight: number): boolean {
    const i = this.index.get(word);
    if (i === undefined) return false;
    this.addRank(into, i, weight);
    return true;
  }

  /** The same for the word of this rank (an embedder that has looked the rank up already). */
  addRank(into: Float32Array, i: number, weight: number): void {
    const base = i * this.dims;
    const norm = this.squaredNorm(i);
    const factor = norm > 0 ? weight / Math.sqrt(norm) : 0;
    for (let d = 0; d < this.dims; d++) into[d] += this.vectors[base + d] * factor;
  }

  /** Cosine similarity of two words; 0 when either is unknown. */
  similarity(a: string, b: string): number {
    const i = this.index.get(a);
    const j = this.index.get(b);
    if (i === undefined || j === undefined) return 0;
    const ai = i * this.dims;
    const bj = j * this.dims;
    const v = this.vectors;
    // Synonym matching compares every page word with the question's: four sums at a time run
    // faster, and sums of int8 products are exact integers, so their order changes nothing.
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    let d = 0;
    for (; d + 3 < this.dims; d += 4) {
      d0 += v[ai + d] * v[bj + d];
      d1 += v[ai + d + 1] * v[bj + d + 1];
      d2 += v[ai + d + 2] * v[bj + d + 2];
      d3 += v[ai + d + 3] * v[bj + d + 3];
    }
    for (; d < this.dims; d++) d0 += v[ai + d] * v[bj + d];
    const dot = d0 + d1 + d2 + d3;
    const na = this.squaredNorm(i);
    const nb = this.squaredNorm(j);
    return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
  }

  /**
   * Sum of squares of word `i`'s components: an exact integer, so keeping it changes no result.
   * Embedding and synonym matching meet the same common words over and over.
   */
  private squaredNorm(i: number): number {
    let norm = this.squaredNorms[i];
    if (norm === 0) {
      const base = i * this.dims;
      for (let d = 0; d < this.dims; d++) norm += this.vectors[base + d] * this.vectors[base + d];
      this.squaredNorms[i] = norm;
    }
    return norm;
  }
}

let shared: WordVectors | undefined;

/** Loaded on first use (about 0.1 s), never at start-up. */
export function sharedWordVectors(): WordVectors {
  shared ??= WordVectors.load();
  return shared;
}
