/**
 * OpenAI embeddings requests to Gemini `batchEmbedContents` and back.
 *
 * Gemini embeds text only, so token-array inputs are refused. It takes at most 100 texts per call
 * (OpenAI takes 2048), so larger inputs are split into several batches whose answers are joined in
 * order. Older Gemini embedding models report no token count; then usage is estimated with an OpenAI
 * tokenizer and a warning says so, because a zero would make every embedding call free in cost reports.
 */
import { tokenizer } from '../../usage/tokenizer.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../canonical.js';
import type { CallWarning } from '../spec.js';
import { UpstreamCallError } from '../shared/upstream-error.js';
import { geminiBatchEmbedContentsResponseSchema } from './api.js';
import type { GeminiBatchEmbedContentsRequest } from './api.js';
import { geminiModelPath } from './gemini-model-path.js';

/** "BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch" (HTTP 400 beyond). */
export const geminiEmbedBatchLimit = 100;

export interface GeminiEmbedConversion {
  /** One body per upstream call, each within Gemini's batch limit. */
  batches: GeminiBatchEmbedContentsRequest[];
  /** The input texts, in order, for the usage estimate. */
  texts: string[];
  warnings: CallWarning[];
}

const translatedFields = new Set(['model', 'input', 'encoding_format', 'dimensions']);

/** User text may contain `<|endoftext|>`; counting must not throw on it. */
const countOptions = { disallowedSpecial: new Set<string>() };

/**
 * @example
 * toGeminiEmbedRequest({ model: 'gemini-embedding-001', input: ['a', 'b'], dimensions: 768 }, 'gemini')
 * // → { batches: [{ requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, outputDimensionality: 768 }, …] }], … }
 */
export function toGeminiEmbedRequest(request: EmbeddingsRequest, provider: string): GeminiEmbedConversion {
  const texts = inputTexts(request.input, provider);
  const warnings: CallWarning[] = [];
  for (const [field, value] of Object.entries(request)) {
    if (value !== undefined && value !== null && !translatedFields.has(field)) {
      warnings.push({
        param: field,
        message: `Gemini does not support "${field}" for embeddings; it was not sent.`,
      });
    }
  }
  const model = geminiModelPath(request.model);
  const requests = texts.map((text) => ({
    model,
    content: { parts: [{ text }] },
    ...(typeof request.dimensions === 'number' ? { outputDimensionality: request.dimensions } : {}),
  }));
  const batches: GeminiBatchEmbedContentsRequest[] = [];
  // An empty input still makes one (empty) call, so Gemini's own 400 explains the problem.
  for (let start = 0; start < requests.length || start === 0; start += geminiEmbedBatchLimit) {
    batches.push({ requests: requests.slice(start, start + geminiEmbedBatchLimit) });
  }
  return { batches, texts, warnings };
}

export interface GeminiEmbedContext {
  provider: string;
  model: string;
  texts: string[];
  encodingFormat: EmbeddingsRequest['encoding_format'];
}

/** Joins the answers to the batches of one request, in order, into an OpenAI embeddings response. */
export function fromGeminiEmbedResponses(
  bodies: unknown[],
  context: GeminiEmbedContext,
): { response: EmbeddingsResponse; warnings: CallWarning[] } {
  const vectors: number[][] = [];
  let reportedTokens: number | undefined = 0;
  for (const body of bodies) {
    const parsed = geminiBatchEmbedContentsResponseSchema.safeParse(body);
    if (!parsed.success) throw mismatch(body, context.provider, parsed.error);
    vectors.push(...parsed.data.embeddings.map((embedding) => embedding.values));
    const count = parsed.data.usageMetadata?.promptTokenCount;
    reportedTokens =
      typeof count === 'number' && reportedTokens !== undefined ? reportedTokens + count : undefined;
  }
  if (vectors.length !== context.texts.length) throw mismatch(bodies, context.provider);

  const warnings: CallWarning[] = [];
  let promptTokens = reportedTokens;
  if (promptTokens === undefined) {
    promptTokens = context.texts.reduce((sum, text) => sum + tokenizer().countTokens(text, countOptions), 0);
    warnings.push({
      param: 'usage',
      message:
        'Gemini did not report token counts for these embeddings; usage is an estimate from an OpenAI tokenizer.',
    });
  }
  const response: EmbeddingsResponse = {
    object: 'list',
    data: vectors.map((values, index) => ({
      object: 'embedding',
      index,
      embedding: context.encodingFormat === 'base64' ? toBase64Float32(values) : values,
    })),
    model: context.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
  return { response, warnings };
}

/** OpenAI's `encoding_format: base64`: the vector as little-endian float32 bytes, base64-encoded. */
export function toBase64Float32(values: number[]): string {
  const bytes = Buffer.allocUnsafe(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

function inputTexts(input: EmbeddingsRequest['input'], provider: string): string[] {
  if (typeof input === 'string') return [input];
  if (input.every((item): item is string => typeof item === 'string')) return input;
  // Token ids belong to one OpenAI tokenizer; Gemini cannot read them, and decoding would be a guess.
  throw new UpstreamCallError(
    `${provider} (Gemini) embeds text only; send the input as strings, not token arrays`,
    {
      kind: 'http',
      provider,
      status: 400,
      providerCode: 'invalid_request_error',
      retryable: false,
    },
  );
}

function mismatch(body: unknown, provider: string, cause?: unknown): UpstreamCallError {
  return new UpstreamCallError(
    `${provider} returned a batchEmbedContents response that does not match the request`,
    {
      kind: 'invalid_response',
      provider,
      responseBody: JSON.stringify(body).slice(0, 2000),
      cause,
    },
  );
}
