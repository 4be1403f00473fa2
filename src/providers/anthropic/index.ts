/**
 * A provider of type `anthropic`: the Anthropic Messages API (`POST /v1/messages`), reached with the
 * canonical OpenAI request translated by `to-anthropic-request.ts` and answered through
 * `from-anthropic-response.ts` / `from-anthropic-stream.ts`. Anthropic has no embeddings API.
 */
import type { ProviderConfig } from '../../config/schema.js';
import type { ChatResult, ProviderAdapter } from '../spec.js';
import { UpstreamHttp } from '../shared/http.js';
import { httpOptionsFromConfig } from '../shared/http-options.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { anthropicMessageSchema, describeIssue } from './api.js';
import { fromAnthropicResponse } from './from-anthropic-response.js';
import { fromAnthropicStream, readAnthropicEvents } from './from-anthropic-stream.js';
import { toAnthropicRequest } from './to-anthropic-request.js';

export const defaultAnthropicBaseUrl = 'https://api.anthropic.com';
export const defaultAnthropicVersion = '2023-06-01';

const messagesPath = '/v1/messages';

export function createAnthropicAdapter(config: ProviderConfig): ProviderAdapter {
  const provider = config.id;
  const http = new UpstreamHttp({
    ...httpOptionsFromConfig(config, {
      baseUrl: config.base_url ?? defaultAnthropicBaseUrl,
      headers: {
        'anthropic-version': config.api_version ?? defaultAnthropicVersion,
        ...(config.api_key === undefined ? {} : { 'x-api-key': config.api_key }),
      },
    }),
    provider,
  });

  return {
    id: provider,
    type: 'anthropic',

    async chat(request, options): Promise<ChatResult> {
      // `jsonResponse` says what this call sent for JSON mode; the answer is read back accordingly.
      const { args, warnings, jsonResponse } = toAnthropicRequest(request);
      const call = { path: messagesPath, body: args, signal: options.signal, headers: options.headers };
      if (args.stream === true) {
        const events = await http.postEventStream(call);
        return {
          kind: 'stream',
          stream: fromAnthropicStream(readAnthropicEvents(events, provider), { provider, jsonResponse }),
          warnings,
        };
      }
      const { body } = await http.postJson(call);
      const message = anthropicMessageSchema.safeParse(body);
      if (!message.success) {
        throw new UpstreamCallError(
          `${provider} returned a malformed message: ${describeIssue(message.error)}`,
          {
            kind: 'invalid_response',
            provider,
            responseBody: JSON.stringify(body).slice(0, 2000),
          },
        );
      }
      return { kind: 'response', response: fromAnthropicResponse(message.data, { jsonResponse }), warnings };
    },

    embed() {
      return Promise.reject(
        new UpstreamCallError('Anthropic has no embeddings API; route embeddings to another provider', {
          kind: 'http',
          provider,
          status: 400,
          retryable: false,
        }),
      );
    },

    close: () => http.close(),
  };
}
