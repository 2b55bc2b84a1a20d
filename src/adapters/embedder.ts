/**
 * Turns texts into unit vectors whose dot product says how close their meanings are. Two
 * implementations: the word vectors shipped with the package (src/services/answers/embedder.ts,
 * offline, always there) and an OpenAI-compatible `/v1/embeddings` endpoint a deployment points
 * at (src/adapters/embeddings/openai-embedder.ts: Ollama, vLLM, Azure OpenAI, OpenAI).
 */
export interface Embedder {
  /** Part of the cache key: vectors of different embedders never mix. */
  readonly id: string;
  /** One unit vector per text, in order. Rejects when the texts cannot be embedded. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * Optional, for an embedder that reads only words: the same vectors as `embed` of the texts
   * these are the `tokenize` (src/text/terms.ts) tokens of, so texts tokenised already are not
   * tokenised again.
   */
  embedTokens?(tokenLists: string[][]): Promise<Float32Array[]>;
}
