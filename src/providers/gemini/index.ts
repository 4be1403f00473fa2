/**
 * The Google Gemini API adapter (Generative Language API v1beta): translates canonical OpenAI requests
 * to `generateContent` / `streamGenerateContent` / `batchEmbedContents` and their answers back.
 * HTTP, SSE parsing and failure mapping are the shared ones; this folder only translates.
 */
import type { ProviderConfig } from '../../config/schema.js';
import type { ChatResult, EmbeddingsResult, ProviderAdapter } from '../spec.js';
import { UpstreamHttp } from '../shared/http.js';
import { httpOptionsFromConfig } from '../shared/http-options.js';
import { fromGeminiEmbedResponses, toGeminiEmbedRequest } from './gemini-embeddings.js';
import { geminiUrlPath } from './gemini-model-path.js';
import { fromGeminiResponse, parseGeminiResponse } from './from-gemini-response.js';
import { fromGeminiStream } from './from-gemini-stream.js';
import { toGeminiRequest } from './to-gemini-request.js';

export const defaultGeminiBaseUrl = 'https://generativelanguage.googleapis.com';

/**
 * @example
 * const gemini = createGeminiAdapter(providerSchema.parse({ id: 'gemini', type: 'gemini', api_key: process.env.GEMINI_API_KEY }));
 * const result = await gemini.chat({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] }, { signal });
 */
export function createGeminiAdapter(config: ProviderConfig): ProviderAdapter {
  const provider = config.id;
  const http = new UpstreamHttp({
    provider,
    ...httpOptionsFromConfig(config, {
      baseUrl: config.base_url ?? defaultGeminiBaseUrl,
      // The key travels in a header, not in `?key=`, so it never lands in URL logs. No key is accepted:
      // a proxy in front of Google may add it.
      headers: config.api_key === undefined ? {} : { 'x-goog-api-key': config.api_key },
    }),
  });

  return {
    id: provider,
    type: config.type,

    async chat(request, options): Promise<ChatResult> {
      const { args, warnings } = toGeminiRequest(request);
      const model = geminiUrlPath(request.model);
      const call = { body: args, signal: options.signal, headers: options.headers };
      const context = { provider, model: request.model };
      if (request.stream !== true) {
        const { body } = await http.postJson({ ...call, path: `/v1beta/${model}:generateContent` });
        return {
          kind: 'response',
          response: fromGeminiResponse(parseGeminiResponse(body, provider), context),
          warnings,
        };
      }
      const events = await http.postEventStream({
        ...call,
        path: `/v1beta/${model}:streamGenerateContent?alt=sse`,
      });
      return { kind: 'stream', stream: fromGeminiStream(events, context), warnings };
    },

    async embed(request, options): Promise<EmbeddingsResult> {
      const { batches, texts, warnings } = toGeminiEmbedRequest(request, provider);
      const path = `/v1beta/${geminiUrlPath(request.model)}:batchEmbedContents`;
      const bodies: unknown[] = [];
      // One batch after the other: a large input should not take several rate-limit slots at once.
      for (const batch of batches) {
        const { body } = await http.postJson({
          path,
          body: batch,
          signal: options.signal,
          headers: options.headers,
        });
        bodies.push(body);
      }
      const context = { provider, model: request.model, texts, encodingFormat: request.encoding_format };
      const result = fromGeminiEmbedResponses(bodies, context);
      return { response: result.response, warnings: [...warnings, ...result.warnings] };
    },

    close: () => http.close(),
  };
}
