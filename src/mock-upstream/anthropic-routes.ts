/**
 * Anthropic's wire format on the mock upstream (a FAKE model for demos, tests and load tests):
 * `POST /v1/messages`, JSON or SSE (`event: message_start` … `event: message_stop`), with the
 * `x-api-key` and `anthropic-version` headers Anthropic requires. Request validation and both
 * translations are the Anthropic provider's own (`providers/anthropic/`), so the mock and the
 * gateway's inbound `/v1/messages` share one definition of the format.
 */
import type { IncomingMessage } from 'node:http';
import type { ResponseFormat } from '../providers/canonical.js';
import { anthropicMessagesRequestSchema } from '../providers/anthropic/api.js';
import type { AnthropicMessagesRequest } from '../providers/anthropic/api.js';
import { fromAnthropicRequest } from '../providers/anthropic/from-anthropic-request.js';
import { jsonModeInstructions } from '../providers/anthropic/to-anthropic-request.js';
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
  if (typeof version !== 'string' || version === '')
    return { status: 400, message: 'anthropic-version: header is required' };
  return undefined;
}

async function serveMessages(exchange: Exchange): Promise<void> {
  const parsed = anthropicMessagesRequestSchema.safeParse(exchange.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadRequest(
      issue === undefined ? 'Invalid request.' : `${issue.path.map(String).join('.')}: ${issue.message}`,
    );
  }
  const body = parsed.data;
  const request = fromAnthropicRequest(body);
  const json = requestedJson(body.system);
  if (json !== undefined) request.response_format = json;
  const completion = createMockCompletion(request, exchange.controls);
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

/**
 * Anthropic has no JSON mode; the gateway asks for JSON with fixed system instructions instead
 * (`jsonModeInstructions`), which the mock recognises so it answers as a JSON-mode model would.
 */
function requestedJson(system: AnthropicMessagesRequest['system']): ResponseFormat | undefined {
  const texts =
    system === undefined ? [] : typeof system === 'string' ? [system] : system.map((block) => block.text);
  const schemaLead = `${jsonModeInstructions.schema}\n`;
  for (const text of texts) {
    const at = text.indexOf(schemaLead);
    if (at >= 0) {
      const schema = parseObject(text.slice(at + schemaLead.length));
      return schema === undefined
        ? { type: 'json_object' }
        : { type: 'json_schema', json_schema: { name: 'response', schema } };
    }
    if (text.includes(jsonModeInstructions.object)) return { type: 'json_object' };
  }
  return undefined;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Anthropic names every event: `event: <type>` then its JSON `data`. */
async function* eventFrames(events: AsyncIterable<AnthropicServerEvent>): AsyncGenerator<string> {
  for await (const { event, data } of events) yield `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const anthropicRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/messages$/,
    format: 'anthropic',
    authorize: requireAnthropicHeaders,
    handle: serveMessages,
  },
];
