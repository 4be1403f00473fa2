/**
 * Embeddings from any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI, Ollama, TEI, vLLM…), or any
 * provider with embeddings, through its adapter: the HTTP, retries and error mapping are the adapter's.
 */
import type { ProviderAdapter } from '../providers/spec.js';
import type { Embedder } from './spec.js';
import { toUnitVector } from './unit-vector.js';

/**
 * @example
 * const embedder = createProviderEmbedder(adapters.get('openai-main')!, 'text-embedding-3-small');
 * const [vector] = await embedder.embed(['What is the weather in NYC?']);
 */
export function createProviderEmbedder(adapter: ProviderAdapter, model: string): Embedder {
  return {
    id: `${adapter.id}/${model}`,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      const { response } = await adapter.embed(
        { model, input: [...texts], encoding_format: 'float' },
        { signal: signal ?? AbortSignal.timeout(30_000) },
      );
      const vectors: Float32Array[] = new Array<Float32Array>(texts.length);
      for (const item of response.data) {
        if (typeof item.embedding === 'string') {
          throw new Error(`${adapter.id}/${model} answered base64 embeddings to a float request`);
        }
        vectors[item.index] = toUnitVector(item.embedding);
      }
      if (vectors.some((vector) => vector === undefined) || response.data.length !== texts.length) {
        throw new Error(
          `${adapter.id}/${model} returned ${response.data.length} embeddings for ${texts.length} inputs`,
        );
      }
      return vectors;
    },
    // The adapter's pools belong to the gateway, which closes them.
    close: () => Promise.resolve(),
  };
}
