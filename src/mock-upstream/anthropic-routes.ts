/**
 * Anthropic's wire format on the mock upstream (a FAKE model for demos, tests and load tests):
 * `POST /v1/messages`, JSON or SSE (`event: message_start` … `event: message_stop`), with the
 * `x-api-key` and `anthropic-version` headers Anthropic requires. Request validation and both
 * translations are the Anthropic provider's own (`providers/anthropic/`), so the mock and the
 * gateway's inbound `/v1/messages` share one definition of the format.
 */
import type { IncomingMessage } from 'node:http';
import { anthropicMessagesRequestSchema } from '../providers/anthropic/api.js';
import { fromAnthropicRequest } from '../providers/anthropic/from-anthropic-request.js';
import { toAnthropicMessage } from '../providers/anthropic/to-anthropic-response.js';
import { toAnthropicEvents } from '../providers/anthropic/to-anthropic-stream.js';
import type { AnthropicServerEvent } from '../providers/anthropic/to-anthropic-stream.js';
import { createMockCompletion, toMockChunks } from '../providers/mock/mock-reply.js';
import { paceChunks } from '../providers/mock/pace-chunks.js';
import { BadRequest, respondEventStream, respondJson } from './exchange.js';
import type { AuthFailure, Exchange, Route } from './exchange.js';

/**
 * A key in `x-api-key`, or as `Authorization: Bearer` (what @anthropic-ai/sdk 1.x sends for an
 * `apiKey`), plus `anthropic-version`.
 */
function requireAnthropicHeaders(request: IncomingMessage): AuthFailure | undefined {
  const key = request.headers['x-api-key'];
  const bearer = request.headers.authorization;
  if ((typeof key !== 'string' || key === '') && (bearer === undefined || !/^Bearer\s+\S/i.test(bearer))) {
    return { status: 401, message: 'x-api-key header is required' };
  }
  const version = request.headers['anthropic-version'];
  if (typeof version !== 'string' || version === '') return { status: 400, message: 'anthropic-version: header is required' };
  return undefined;
}

async function serveMessages(exchange: Exchange): Promise<void> {
  const parsed = anthropicMessagesRequestSchema.safeParse(exchange.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequest(issue === undefined ? 'Invalid request.' : `${issue.path.map(String).join('.')}: ${issue.message}`);
  }
  const body = parsed.data;
  const completion = createMockCompletion(fromAnthropicRequest(body), { reply: exchange.controls.reply });
  if (body.stream !== true) {
    respondJson(exchange, toAnthropicMessage(completion, body.model));
    return;
  }
  const chunks = paceChunks(toMockChunks(completion, { includeUsage: true }), {
    tokensPerSecond: exchange.controls.tokensPerSecond,
    signal: exchange.signal,
  });
  await respondEventStream(exchange, eventFrames(toAnthropicEvents(chunks, body.model)));
}

/** Anthropic names every event: `event: <type>` then its JSON `data`. */
async function* eventFrames(events: AsyncIterable<AnthropicServerEvent>): AsyncGenerator<string> {
  for await (const { event, data } of events) yield `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const anthropicRoutes: Route[] = [
  { method: 'POST', pattern: /^\/v1\/messages$/, format: 'anthropic', authorize: requireAnthropicHeaders, handle: serveMessages },
];
