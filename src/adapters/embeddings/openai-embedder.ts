import { z } from 'zod';
import { UpstreamError } from '../../errors.js';
import type { Embedder } from '../embedder.js';
import { parseRetryAfter, withRetry } from '../retry.js';

export interface OpenAiEmbedderConfig {
  /** Base URL of an OpenAI-compatible API, e.g. `http://localhost:11434/v1` (Ollama); `/embeddings` is appended. */
  url: string;
  model: string;
  apiKey?: string;
  /** Texts per request. Default 64. */
  batchSize?: number;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const EmbeddingsResponse = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

class RetryableHttpError extends Error {
  constructor(
    message: string,
    readonly afterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Embeddings from an OpenAI-compatible `POST /embeddings` (`{model, input: [...]}` →
 * `{data: [{index, embedding}]}`), batched, with bounded retries on 429/5xx (honouring
 * Retry-After) and a timeout. Failures reject with an UpstreamError; answers then rank
 * without the semantic signal rather than fail.
 */
export function createOpenAiEmbedder(config: OpenAiEmbedderConfig): Embedder {
  const base = config.url.replace(/\/+$/, '');
  const endpoint = /\/embeddings$/.test(base) ? base : `${base}/embeddings`;
  const batchSize = Math.max(1, config.batchSize ?? 64);
  const timeoutMs = config.timeoutMs ?? 15_000;
  const doFetch = config.fetch ?? fetch;

  async function request(input: string[]): Promise<Float32Array[]> {
    return withRetry(
      async () => {
        let response: Response;
        try {
          response = await doFetch(endpoint, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
            },
            body: JSON.stringify({ model: config.model, input }),
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          throw new RetryableHttpError(`embeddings endpoint unreachable: ${(error as Error).message}`);
        }
        if (response.status === 429 || response.status >= 500) {
          await response.body?.cancel();
          throw new RetryableHttpError(`embeddings endpoint answered ${response.status}`, parseRetryAfter(response.headers.get('retry-after')));
        }
        if (!response.ok) {
          await response.body?.cancel();
          throw new UpstreamError(`The embeddings endpoint answered ${response.status}: check STEWARD_EMBEDDINGS_URL, _MODEL and _API_KEY.`);
        }
        let parsed;
        try {
          parsed = EmbeddingsResponse.parse(await response.json());
        } catch {
          throw new UpstreamError('The embeddings endpoint sent a reply that is not an OpenAI-style embeddings response.');
        }
        const vectors = new Array<Float32Array | undefined>(input.length);
        for (const item of parsed.data) if (item.index < input.length) vectors[item.index] = unit(item.embedding);
        if (vectors.some((v) => v === undefined)) throw new UpstreamError('The embeddings endpoint returned fewer vectors than texts.');
        return vectors as Float32Array[];
      },
      {
        attempts: 3,
        baseDelayMs: 250,
        maxDelayMs: 5_000,
        classify: (error) => (error instanceof RetryableHttpError ? { retry: true, afterMs: error.afterMs } : { retry: false }),
      },
    ).catch((error: unknown) => {
      if (error instanceof RetryableHttpError) throw new UpstreamError(`The ${error.message} (after retries).`);
      throw error;
    });
  }

  return {
    id: `openai:${config.model}@${endpoint}`,
    async embed(texts: string[]) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) out.push(...(await request(texts.slice(i, i + batchSize))));
      return out;
    },
  };
}

function unit(values: number[]): Float32Array {
  const vector = Float32Array.from(values);
  let norm = 0;
  for (const x of vector) norm += x * x;
  const length = Math.sqrt(norm);
  if (length > 0) for (let i = 0; i < vector.length; i++) vector[i] /= length;
  return vector;
}
