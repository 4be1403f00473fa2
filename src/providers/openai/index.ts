/**
 * OpenAI and every OpenAI-compatible server (vLLM, Ollama, TGI, Groq, Together, Mistral, DeepSeek,
 * OpenRouter, LM Studio): the canonical format is theirs, so requests and responses pass through;
 * the only change is asking for usage on streams so every call can be costed.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EmbeddingsResponse,
} from '../canonical.js';
import type { ChatResult, ProviderAdapter } from '../spec.js';
import { UpstreamHttp } from '../shared/http.js';
import type { UpstreamHttpOptions } from '../shared/http.js';
import { readJsonEvents } from '../shared/json-chunks.js';
import type { EventSourceMessage } from '../shared/sse.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { httpOptionsFromConfig } from '../shared/http-options.js';
import { withoutForeignFields } from '../shared/foreign-fields.js';
import type { ProviderConfig } from '../../config/schema.js';

export interface OpenAICompatibleOptions {
  id: string;
  type: string;
  http: Omit<UpstreamHttpOptions, 'provider'>;
  /** Request path for a chat call to `model` (Azure puts the deployment in the path). */
  chatPath?: (model: string) => string;
  embeddingsPath?: (model: string) => string;
}

export function createOpenAICompatibleAdapter(options: OpenAICompatibleOptions): ProviderAdapter {
  const http = new UpstreamHttp({ ...options.http, provider: options.id });
  const chatPath = options.chatPath ?? (() => '/chat/completions');
  const embeddingsPath = options.embeddingsPath ?? (() => '/embeddings');
  const provider = options.id;

  return {
    id: options.id,
    type: options.type,

    async chat(clientRequest, callOptions): Promise<ChatResult> {
      const request = withoutForeignFields(clientRequest);
      const call = {
        path: chatPath(request.model),
        signal: callOptions.signal,
        headers: callOptions.headers,
      };
      if (request.stream !== true) {
        const { body } = await http.postJson({ ...call, body: request });
        return { kind: 'response', response: expectCompletion(body, provider), warnings: [] };
      }
      const events = await http.postEventStream({ ...call, body: withStreamUsage(request) });
      return { kind: 'stream', stream: readChunks(events, provider), warnings: [] };
    },

    async embed(request, callOptions) {
      const { body } = await http.postJson({
        path: embeddingsPath(request.model),
        body: request,
        signal: callOptions.signal,
        headers: callOptions.headers,
      });
      if (!isObject(body) || !Array.isArray(body.data))
        throw invalid(provider, 'an embeddings response without data');
      return { response: body as unknown as EmbeddingsResponse, warnings: [] };
    },

    close: () => http.close(),
  };
}

function withStreamUsage(request: ChatCompletionRequest): ChatCompletionRequest {
  if (request.stream_options?.include_usage === true) return request;
  return { ...request, stream_options: { ...request.stream_options, include_usage: true } };
}

async function* readChunks(
  events: AsyncIterable<EventSourceMessage>,
  provider: string,
): AsyncGenerator<ChatCompletionChunk> {
  for await (const { data } of readJsonEvents(events, { provider, end: { data: '[DONE]' } })) {
    if (!isObject(data) || !Array.isArray(data.choices))
      throw invalid(provider, 'a stream chunk without choices');
    yield data as unknown as ChatCompletionChunk;
  }
}

function expectCompletion(body: unknown, provider: string): ChatCompletion {
  if (!isObject(body) || !Array.isArray(body.choices))
    throw invalid(provider, 'a chat response without choices');
  return body as unknown as ChatCompletion;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function invalid(provider: string, what: string): UpstreamCallError {
  return new UpstreamCallError(`${provider} returned ${what}`, { kind: 'invalid_response', provider });
}

/** A provider of type `openai`: api.openai.com, or any compatible server at `base_url`. */
export function createOpenAIAdapter(config: ProviderConfig): ProviderAdapter {
  return createOpenAICompatibleAdapter({
    id: config.id,
    type: 'openai',
    http: httpOptionsFromConfig(config, {
      baseUrl: config.base_url ?? 'https://api.openai.com/v1',
      headers: config.api_key === undefined ? {} : { authorization: `Bearer ${config.api_key}` },
    }),
  });
}
