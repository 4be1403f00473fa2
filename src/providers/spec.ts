/**
 * The provider adapter contract. Types only.
 *
 * An adapter translates the canonical OpenAI objects (`canonical.ts`) to one provider's wire format and
 * back, and nothing else: HTTP, SSE parsing, error classification and usage estimation live once in
 * `providers/shared/`. Failures are thrown as `UpstreamCallError` (`shared/upstream-error.ts`).
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsRequest,
  EmbeddingsResponse,
} from './canonical.js';

/** A parameter the provider cannot honour; reported to the client and the trace, never silently dropped. */
export interface CallWarning {
  /** The request field concerned (`seed`, `n`…). */
  param: string;
  message: string;
}

export interface CallOptions {
  /** Aborted when the client goes away or the gateway gives up; the upstream request is cancelled. */
  signal: AbortSignal;
  /** Extra headers for the upstream request (trace propagation, provider-specific options). */
  headers?: Record<string, string>;
}

export interface ChatResponseResult {
  kind: 'response';
  response: ChatCompletion;
  warnings: CallWarning[];
}

export interface ChatStreamResult {
  kind: 'stream';
  /**
   * Parsed chunks in order. The request always asked the upstream for usage, so (when the provider
   * reports it) the last chunk carries `usage` with empty `choices`. Iteration throws
   * `UpstreamCallError` when the stream breaks; breaking out of the loop cancels the upstream request.
   */
  stream: AsyncIterable<ChatCompletionChunk>;
  warnings: CallWarning[];
}

export type ChatResult = ChatResponseResult | ChatStreamResult;

export interface EmbeddingsResult {
  response: EmbeddingsResponse;
  warnings: CallWarning[];
}

export interface ProviderAdapter {
  /** The configured provider id (`openai-main`). */
  readonly id: string;
  /** The provider kind (`openai`, `anthropic`…), recorded in traces. */
  readonly type: string;
  /**
   * Calls the model. `request.model` is already the upstream model name. With `request.stream` the
   * result is a stream, otherwise a full response; the promise settles once the upstream has answered
   * with a status (a stream's body is still being read).
   */
  chat(request: ChatCompletionRequest, options: CallOptions): Promise<ChatResult>;
  /** Embeds text. Providers without embeddings throw an `UpstreamCallError` with status 400. */
  embed(request: EmbeddingsRequest, options: CallOptions): Promise<EmbeddingsResult>;
  /** Releases connection pools. */
  close(): Promise<void>;
}
