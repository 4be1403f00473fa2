/**
 * The embedder contract: text in, unit-length vectors out, so cosine similarity is a dot product.
 * Types only. Implementations: the local Universal Sentence Encoder (`local-embedder.ts`) and any
 * OpenAI-compatible `/v1/embeddings` endpoint through a provider adapter (`provider-embedder.ts`).
 */

export interface Embedder {
  /** What produced the vectors (`local/universal-sentence-encoder-lite`, `openai-main/text-embedding-3-small`). */
  readonly id: string;
  /**
   * One unit-length vector per text, in order. Rejects when the model cannot run or the call fails;
   * callers decide what that means (the cache treats it as a miss).
   */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** Stops workers and releases what the embedder holds. */
  close(): Promise<void>;
}
