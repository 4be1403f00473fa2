/**
 * What evals need from a model: chat completions and embeddings, through the gateway (so its routing,
 * fallbacks and telemetry apply). Types only; `gateway-client.ts` implements them over HTTP and
 * `cached-model-client.ts` adds the response cache.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatCallRequest {
  model: string;
  messages: ChatMessage[];
  /** Extra request fields (`temperature`, `max_tokens`, `response_format`…). */
  params?: Record<string, unknown>;
  /** Who is calling, recorded as trace metadata so online evaluation can skip eval traffic. */
  purpose: 'target' | 'judge';
}

export interface ChatCallResult {
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  /** USD, or null when the model has no known price. */
  cost: number | null;
  latencyMs: number;
  /** True when served from the response cache (no call made). */
  cached: boolean;
}

export interface ModelClient {
  chat(request: ChatCallRequest, signal: AbortSignal): Promise<ChatCallResult>;
  embed(model: string, texts: string[], signal: AbortSignal): Promise<number[][]>;
}

/**
 * Turns texts into vectors for `similar` and `answer-relevancy`. The gateway implementation calls a
 * configured embeddings model; a local embedder plugs in here too.
 */
export interface Embedder {
  embed(texts: string[], signal: AbortSignal): Promise<number[][]>;
}

/** A failed call: the gateway's status and message. */
export class ModelCallError extends Error {
  override name = 'ModelCallError';
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }

  /** 408, 409, 429, 5xx and network failures are worth another try. */
  get retryable(): boolean {
    return (
      this.status === null ||
      this.status === 408 ||
      this.status === 409 ||
      this.status === 429 ||
      this.status >= 500
    );
  }
}
