/**
 * The model client over a running gateway's OpenAI-compatible API (`/v1/chat/completions`,
 * `/v1/embeddings`), with undici (never global fetch: ARCHITECTURE §6), retries with exponential
 * backoff and jitter on retryable failures, and cost from the price catalog and the deployment that
 * answered (`x-gatehouse-provider`, `x-gatehouse-model`).
 */
import { Agent, request } from 'undici';
import type { PriceCatalog } from '../../usage/price-catalog.js';
import {
  ModelCallError,
  type ChatCallRequest,
  type ChatCallResult,
  type ModelClient,
} from '../model-client.js';

export interface GatewayClientOptions {
  /** `http://127.0.0.1:4000` (no `/v1`). */
  baseUrl: string;
  apiKey?: string;
  prices: PriceCatalog;
  /** Retries of a retryable failure (default 2). */
  retries?: number;
  /** Connections to the gateway (default 64). */
  connections?: number;
}

export interface GatewayClient extends ModelClient {
  close(): Promise<void>;
}

interface ChatCompletionBody {
  choices?: { message?: { content?: string | null; refusal?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const dispatcher = new Agent({ connections: options.connections ?? 64 });
  const retries = options.retries ?? 2;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;

  async function post(
    path: string,
    body: unknown,
    signal: AbortSignal,
  ): Promise<{ body: unknown; headers: Record<string, unknown> }> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        const response = await request(`${base}${path}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          dispatcher,
          signal,
        });
        const text = await response.body.text();
        if (response.statusCode >= 400)
          throw new ModelCallError(errorMessage(text, response.statusCode), response.statusCode);
        return { body: JSON.parse(text) as unknown, headers: response.headers };
      } catch (error) {
        if (signal.aborted) throw error;
        const failure =
          error instanceof ModelCallError ? error : new ModelCallError((error as Error).message, null);
        if (!failure.retryable || attempt >= retries) throw failure;
        // Exponential backoff with full jitter: 250 ms, 500 ms… times a random factor.
        await sleep(250 * 2 ** attempt * (0.5 + Math.random()), signal);
      }
    }
  }

  return {
    async chat(call: ChatCallRequest, signal): Promise<ChatCallResult> {
      const started = performance.now();
      const response = await post(
        '/v1/chat/completions',
        {
          ...call.params,
          model: call.model,
          messages: call.messages,
          metadata: { gatehouse_eval: call.purpose },
        },
        signal,
      );
      const body = response.body as ChatCompletionBody;
      const message = body.choices?.[0]?.message;
      const inputTokens = body.usage?.prompt_tokens ?? null;
      const outputTokens = body.usage?.completion_tokens ?? null;
      const provider = headerText(response.headers['x-gatehouse-provider']);
      const upstreamModel = headerText(response.headers['x-gatehouse-model']);
      const cost =
        provider === undefined || upstreamModel === undefined
          ? null
          : options.prices.cost(provider, upstreamModel, {
              inputTokens,
              outputTokens,
              totalTokens: inputTokens === null || outputTokens === null ? null : inputTokens + outputTokens,
              cachedInputTokens: null,
              estimated: false,
            });
      return {
        text: message?.content ?? message?.refusal ?? '',
        inputTokens,
        outputTokens,
        cost,
        latencyMs: performance.now() - started,
        cached: false,
      };
    },

    async embed(model, texts, signal): Promise<number[][]> {
      const response = await post('/v1/embeddings', { model, input: texts }, signal);
      const data = (response.body as { data?: { index: number; embedding: number[] }[] }).data ?? [];
      return [...data].sort((a, b) => a.index - b.index).map((entry) => entry.embedding);
    },

    close: () => dispatcher.close(),
  };
}

function headerText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function errorMessage(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } };
    if (parsed.error?.message !== undefined) return `gateway answered ${status}: ${parsed.error.message}`;
  } catch {
    // Not JSON: use the text.
  }
  return `gateway answered ${status}: ${text.slice(0, 200)}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(resolvePromise, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
