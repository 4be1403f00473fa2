/**
 * The `mock` provider: a FAKE, in-process model for demos, tests and load tests. It never calls a
 * network and never gives a real answer — replies echo the prompt (`[mock] You said: …`), or are
 * schema-valid placeholder JSON or tool calls (see `mock-reply.ts`). It waits `mock.latency_ms`,
 * paces streams at `mock.tokens_per_second`, always ends streams with a usage chunk (the adapter
 * contract), and obeys the `x-mock-*` headers (`mock-controls.ts`) from the provider's `headers` or
 * the call, so retries, fallbacks and broken streams can be tested without an upstream.
 */
import type { ProviderConfig } from '../../config/schema.js';
import type { ChatCompletionChunk } from '../canonical.js';
import type { CallOptions, ChatResult, EmbeddingsResult, ProviderAdapter } from '../spec.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { failureMessage, lowerCaseHeaders, readMockControls } from './mock-controls.js';
import type { MockControls } from './mock-controls.js';
import { createMockEmbeddings } from './mock-embeddings.js';
import { createMockCompletion, toMockChunks } from './mock-reply.js';
import { compileMockScript } from './mock-script.js';
import { paceChunks, sleep } from './pace-chunks.js';

/**
 * @example
 * const adapter = createMockAdapter(providerSchema.parse({ id: 'demo', type: 'mock', mock: { latency_ms: 200 } }));
 * await adapter.chat({ model: 'any', messages: [{ role: 'user', content: 'Hi' }] }, { signal });
 */
export function createMockAdapter(config: ProviderConfig): ProviderAdapter {
  const provider = config.id;
  const script = compileMockScript(config.mock.script);
  const controlsFor = (options: CallOptions): MockControls =>
    readMockControls(lowerCaseHeaders(config.headers, options.headers));

  return {
    id: provider,
    type: config.type,

    async chat(request, options): Promise<ChatResult> {
      const controls = controlsFor(options);
      await sleep(controls.latencyMs ?? config.mock.latency_ms, options.signal);
      throwIfFailing(controls, provider);
      // Header controls win; a configured script answers what they leave open.
      const scripted = controls.reply === undefined ? script.replyFor(request) : undefined;
      const completion = createMockCompletion(
        request,
        scripted === undefined ? controls : { ...controls, reply: scripted },
      );
      if (request.stream !== true) return { kind: 'response', response: completion, warnings: [] };
      const chunks = toMockChunks(completion, { includeUsage: true });
      const paced = paceChunks(chunks, {
        tokensPerSecond: controls.tokensPerSecond ?? config.mock.tokens_per_second,
        signal: options.signal,
      });
      return { kind: 'stream', stream: cutAfter(paced, controls.cutAfterChunks, provider), warnings: [] };
    },

    async embed(request, options): Promise<EmbeddingsResult> {
      const controls = controlsFor(options);
      await sleep(controls.latencyMs ?? config.mock.latency_ms, options.signal);
      throwIfFailing(controls, provider);
      return { response: createMockEmbeddings(request), warnings: [] };
    },

    // Nothing to release: no sockets, no pools.
    close: () => Promise.resolve(),
  };
}

/** `x-mock-fail-status`: the same `UpstreamCallError` a real upstream's error status would give. */
function throwIfFailing(controls: MockControls, provider: string): void {
  const status = controls.failStatus;
  if (status === undefined) return;
  const message = failureMessage(controls, status);
  const code =
    status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  throw new UpstreamCallError(message, {
    kind: 'http',
    provider,
    status,
    providerCode: code,
    responseBody: JSON.stringify({ error: { message, type: code, param: null, code } }),
    ...(status === 429 ? { retryAfterSeconds: 1 } : {}),
  });
}

/** `x-mock-cut-after-chunks`: after N chunks the stream breaks as a dropped connection would. */
async function* cutAfter(
  chunks: AsyncIterable<ChatCompletionChunk>,
  limit: number | undefined,
  provider: string,
): AsyncGenerator<ChatCompletionChunk> {
  let sent = 0;
  for await (const chunk of chunks) {
    if (limit !== undefined && sent >= limit) {
      throw new UpstreamCallError(
        `[mock] ${provider} stream cut after ${limit} chunks (x-mock-cut-after-chunks)`,
        {
          kind: 'stream',
          provider,
        },
      );
    }
    sent += 1;
    yield chunk;
  }
}
