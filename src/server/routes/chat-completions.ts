/** `POST /v1/chat/completions`: the OpenAI Chat Completions API, plain and streamed. */
import type { FastifyInstance } from 'fastify';
import type { ChatCompletionChunk } from '../../providers/canonical.js';
import { createChatContext } from '../../gateway/create-context.js';
import type { Pipeline } from '../../gateway/pipeline.js';
import { parseChatRequest } from '../request-schemas.js';
import { edgeRequest, gatewayHeaders } from '../data-plane.js';
import { sendEventStream, sseData } from '../event-stream.js';
import { renderError } from '../error-handler.js';

export function registerChatCompletionsRoute(app: FastifyInstance, pipeline: Pipeline): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const context = createChatContext(
      edgeRequest(request, reply, 'chat.completions'),
      parseChatRequest(request.body),
    );
    await pipeline(context);
    const result = context.result;
    if (result === null) throw new Error('pipeline finished without a result');
    if (result.kind === 'response') return reply.headers(gatewayHeaders(context)).send(result.response);
    await sendEventStream(reply, openAIFrames(result.stream, context.clientWantsStreamUsage), {
      headers: gatewayHeaders(context),
      errorFrame: (error) => `data: ${renderError(error, 'openai')}\n\n`,
    });
    return reply;
  });
}

/** OpenAI SSE frames; the usage-only chunk the gateway asked for is dropped unless the client asked too. */
async function* openAIFrames(
  stream: AsyncIterable<ChatCompletionChunk>,
  includeUsage: boolean,
): AsyncGenerator<string> {
  for await (const chunk of stream) {
    if (!includeUsage && chunk.choices.length === 0 && chunk.usage) continue;
    yield sseData(chunk);
  }
  yield 'data: [DONE]\n\n';
}
