/**
 * `POST /v1/messages`: the Anthropic Messages API for `@anthropic-ai/sdk` clients. The request is
 * translated to the canonical format, routed like any other (so a Claude client can be served by any
 * provider), and the answer translated back — streams event by event.
 */
import type { FastifyInstance } from 'fastify';
import { anthropicMessagesRequestSchema } from '../../providers/anthropic/api.js';
import type { AnthropicMessagesRequest } from '../../providers/anthropic/api.js';
import { fromAnthropicRequest } from '../../providers/anthropic/from-anthropic-request.js';
import { toAnthropicMessage } from '../../providers/anthropic/to-anthropic-response.js';
import { toAnthropicEvents } from '../../providers/anthropic/to-anthropic-stream.js';
import type { ChatCompletionChunk } from '../../providers/canonical.js';
import { createChatContext } from '../../gateway/create-context.js';
import type { Pipeline } from '../../gateway/pipeline.js';
import { parseBody } from '../request-schemas.js';
import { edgeRequest, gatewayHeaders } from '../data-plane.js';
import { sendEventStream, sseEvent } from '../event-stream.js';
import { renderError } from '../error-handler.js';

export function registerMessagesRoute(app: FastifyInstance, pipeline: Pipeline): void {
  app.post('/v1/messages', { config: { errorFormat: 'anthropic' } }, async (request, reply) => {
    const body = parseBody<AnthropicMessagesRequest>(anthropicMessagesRequestSchema, request.body);
    const context = createChatContext(edgeRequest(request, reply, 'messages'), fromAnthropicRequest(body));
    await pipeline(context);
    const result = context.result;
    if (result === null) throw new Error('pipeline finished without a result');
    if (result.kind === 'response') {
      return reply.headers(gatewayHeaders(context)).send(toAnthropicMessage(result.response, body.model));
    }
    await sendEventStream(reply, anthropicFrames(result.stream, body.model), {
      headers: gatewayHeaders(context),
      errorFrame: (error) => `event: error\ndata: ${renderError(error, 'anthropic')}\n\n`,
    });
    return reply;
  });
}

async function* anthropicFrames(
  stream: AsyncIterable<ChatCompletionChunk>,
  model: string,
): AsyncGenerator<string> {
  for await (const { event, data } of toAnthropicEvents(stream, model)) yield sseEvent(event, data);
}
