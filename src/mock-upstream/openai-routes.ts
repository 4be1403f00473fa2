/**
 * OpenAI's wire format on the mock upstream (a FAKE model for demos, tests and load tests):
 * `POST /v1/chat/completions` (JSON, or SSE ending in `data: [DONE]` with the usage chunk when
 * `stream_options.include_usage` asks), `POST /v1/embeddings`, `GET /v1/models`.
 * The Azure routes reuse the chat and embeddings handlers with the deployment as the model.
 */
import type { IncomingMessage } from 'node:http';
import { createMockEmbeddings } from '../providers/mock/mock-embeddings.js';
import { createMockCompletion, toMockChunks } from '../providers/mock/mock-reply.js';
import { paceChunks } from '../providers/mock/pace-chunks.js';
import { BadRequest, dataFrames, respondEventStream, respondJson } from './exchange.js';
import type { AuthFailure, Exchange, Route } from './exchange.js';
import { parseChatRequest, parseEmbeddingsRequest } from './openai-request-schema.js';

/** Answers a chat request; `model` replaces the request's model in the answer (Azure deployments). */
export async function serveChat(exchange: Exchange, model?: string): Promise<void> {
  const parsed = parseChatRequest(withModel(exchange.body, model));
  if ('problem' in parsed) throw new BadRequest(parsed.problem);
  const { request } = parsed;
  const completion = createMockCompletion(request, exchange.controls);
  if (request.stream !== true) {
    respondJson(exchange, completion);
    return;
  }
  const chunks = toMockChunks(completion, { includeUsage: request.stream_options?.include_usage === true });
  const paced = paceChunks(chunks, {
    tokensPerSecond: exchange.controls.tokensPerSecond,
    signal: exchange.signal,
  });
  await respondEventStream(exchange, dataFrames(paced, '[DONE]'));
}

export function serveEmbeddings(exchange: Exchange, model?: string): Promise<void> {
  const parsed = parseEmbeddingsRequest(withModel(exchange.body, model));
  if ('problem' in parsed) throw new BadRequest(parsed.problem);
  respondJson(exchange, createMockEmbeddings(parsed.request));
  return Promise.resolve();
}

/** Azure bodies may omit `model` (the deployment is in the path), so the path's name is filled in. */
function withModel(body: unknown, model: string | undefined): unknown {
  if (model === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return { ...body, model };
}

const mockModels = ['mock-gpt', 'mock-gpt-mini', 'mock-embedding'];

function serveModels(exchange: Exchange): Promise<void> {
  const data = mockModels.map((id) => ({
    id,
    object: 'model',
    created: 1_700_000_000,
    owned_by: 'gatehouse-mock',
  }));
  respondJson(exchange, { object: 'list', data });
  return Promise.resolve();
}

/** OpenAI wants `Authorization: Bearer <key>`; any non-empty key is accepted by the mock. */
function requireBearer(request: IncomingMessage): AuthFailure | undefined {
  const header = request.headers.authorization;
  if (header !== undefined && /^Bearer\s+\S/i.test(header)) return undefined;
  return {
    status: 401,
    message:
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  };
}

export const openAIRoutes: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/chat\/completions$/,
    format: 'openai',
    authorize: requireBearer,
    handle: (exchange) => serveChat(exchange),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/embeddings$/,
    format: 'openai',
    authorize: requireBearer,
    handle: (exchange) => serveEmbeddings(exchange),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/models$/,
    format: 'openai',
    authorize: requireBearer,
    handle: serveModels,
  },
];
