/**
 * Gemini's wire format on the mock upstream (a FAKE model for demos, tests and load tests):
 * `POST /v1beta/models/{model}:generateContent`, `:streamGenerateContent` (SSE with `?alt=sse`,
 * otherwise a streamed JSON array, as Google serves it), `:embedContent` and `:batchEmbedContents`.
 * The key comes in `x-goog-api-key` (or the `key` query parameter, which Google also accepts).
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { ChatCompletionRequest } from '../providers/canonical.js';
import { createMockEmbeddings } from '../providers/mock/mock-embeddings.js';
import { createMockCompletion, toMockChunks } from '../providers/mock/mock-reply.js';
import { paceChunks } from '../providers/mock/pace-chunks.js';
import { BadRequest, dataFrames, respondEventStream, respondJson } from './exchange.js';
import type { AuthFailure, Exchange, Route } from './exchange.js';
import {
  batchEmbedContentsSchema,
  embedContentSchema,
  generateContentSchema,
  toCanonicalRequest,
} from './gemini-request.js';
import { toGeminiResponse, toGeminiStream } from './gemini-response.js';

function requireGoogleKey(request: IncomingMessage, query: URLSearchParams): AuthFailure | undefined {
  const key = request.headers['x-goog-api-key'];
  if ((typeof key === 'string' && key !== '') || (query.get('key') ?? '') !== '') return undefined;
  return {
    status: 403,
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  };
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new BadRequest(
    issue === undefined
      ? 'Invalid JSON payload received.'
      : `Invalid JSON payload received. ${issue.path.map(String).join('.')}: ${issue.message}`,
  );
}

function chatRequest(exchange: Exchange): ChatCompletionRequest {
  return toCanonicalRequest(parseBody(generateContentSchema, exchange.body), exchange.params[0] ?? 'mock');
}

function generateContent(exchange: Exchange): Promise<void> {
  const completion = createMockCompletion(chatRequest(exchange), exchange.controls);
  respondJson(exchange, toGeminiResponse(completion));
  return Promise.resolve();
}

async function streamGenerateContent(exchange: Exchange): Promise<void> {
  const completion = createMockCompletion(chatRequest(exchange), exchange.controls);
  const chunks = paceChunks(toMockChunks(completion, { includeUsage: true }), {
    tokensPerSecond: exchange.controls.tokensPerSecond,
    signal: exchange.signal,
  });
  const responses = toGeminiStream(chunks);
  const sse = exchange.query.get('alt') === 'sse';
  await respondEventStream(
    exchange,
    sse ? dataFrames(responses) : jsonArrayFrames(responses),
    sse ? 'text/event-stream' : 'application/json',
  );
}

/** Without `alt=sse` Google streams one JSON array, element by element. */
async function* jsonArrayFrames(events: AsyncIterable<unknown>): AsyncGenerator<string> {
  let first = true;
  for await (const event of events) {
    yield `${first ? '[' : ',\r\n'}${JSON.stringify(event)}`;
    first = false;
  }
  yield first ? '[]' : ']';
}

function embed(model: string, text: string, dimensions: number | undefined): number[] {
  const [first] = createMockEmbeddings({
    model,
    input: text,
    ...(dimensions === undefined ? {} : { dimensions }),
  }).data;
  return Array.isArray(first?.embedding) ? first.embedding : [];
}

function textOf(parts: { text?: string | undefined }[]): string {
  return parts.map((item) => item.text ?? '').join('');
}

function embedContent(exchange: Exchange): Promise<void> {
  const body = parseBody(embedContentSchema, exchange.body);
  const model = exchange.params[0] ?? 'mock';
  respondJson(exchange, {
    embedding: { values: embed(model, textOf(body.content.parts), body.outputDimensionality) },
  });
  return Promise.resolve();
}

function batchEmbedContents(exchange: Exchange): Promise<void> {
  const body = parseBody(batchEmbedContentsSchema, exchange.body);
  const model = exchange.params[0] ?? 'mock';
  const embeddings = body.requests.map((request) => ({
    values: embed(model, textOf(request.content.parts), request.outputDimensionality),
  }));
  respondJson(exchange, { embeddings });
  return Promise.resolve();
}

const modelPath = (method: string): RegExp => new RegExp(`^/v1(?:beta)?/models/([^/:]+):${method}$`);

export const geminiRoutes: Route[] = [
  {
    method: 'POST',
    pattern: modelPath('generateContent'),
    format: 'gemini',
    authorize: requireGoogleKey,
    handle: generateContent,
  },
  {
    method: 'POST',
    pattern: modelPath('streamGenerateContent'),
    format: 'gemini',
    authorize: requireGoogleKey,
    handle: streamGenerateContent,
  },
  {
    method: 'POST',
    pattern: modelPath('embedContent'),
    format: 'gemini',
    authorize: requireGoogleKey,
    handle: embedContent,
  },
  {
    method: 'POST',
    pattern: modelPath('batchEmbedContents'),
    format: 'gemini',
    authorize: requireGoogleKey,
    handle: batchEmbedContents,
  },
];
