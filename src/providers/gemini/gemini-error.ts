/**
 * Gemini's error body, read once more after the shared reader: `{error:{code,message,status,details}}`.
 *
 * The shared `describeErrorBody` takes the numeric `code` (429) as the provider code, which repeats
 * the HTTP status; the gRPC `status` (`RESOURCE_EXHAUSTED`) is what tells a quota from a rate limit.
 * Gemini also puts the retry delay in a `RetryInfo` detail instead of a `Retry-After` header, and a
 * mid-stream error event says in `code` whether it is worth retrying.
 */
import { UpstreamCallError } from '../shared/upstream-error.js';
import { geminiErrorBodySchema } from './api.js';
import type { GeminiErrorBody } from './api.js';

/** Codes of a mid-stream error event worth retrying elsewhere (the HTTP statuses vercel/ai retries). */
const retryableCodes = new Set([408, 409, 429, 500, 502, 503, 504]);

const retryDelayPattern = /^(\d+(?:\.\d+)?)s$/;

/**
 * Returns the error with Gemini's status name as `providerCode` and the `RetryInfo` delay as
 * `retryAfterSeconds`; anything that is not an `UpstreamCallError` with a Gemini body is returned as is.
 *
 * @example
 * refineGeminiError(new UpstreamCallError('quota', { kind: 'http', provider: 'g', status: 429, providerCode: '429',
 *   responseBody: '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}' })).providerCode // → 'RESOURCE_EXHAUSTED'
 */
export function refineGeminiError(error: unknown): unknown {
  if (!UpstreamCallError.isInstance(error) || error.responseBody === undefined) return error;
  if (error.kind !== 'http' && error.kind !== 'stream') return error;
  const body = readGeminiError(error.responseBody);
  if (body === undefined) return error;
  const retryable =
    error.kind === 'stream'
      ? typeof body.error.code === 'number' && retryableCodes.has(body.error.code)
      : error.isRetryable;
  return new UpstreamCallError(error.message, {
    kind: error.kind,
    provider: error.provider,
    status: error.status,
    providerCode: body.error.status ?? error.providerCode,
    responseBody: error.responseBody,
    retryAfterSeconds: error.retryAfterSeconds ?? retryDelaySeconds(body),
    retryable,
    cause: error,
  });
}

function readGeminiError(text: string): GeminiErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = geminiErrorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  return Array.isArray(parsed.data) ? parsed.data[0] : parsed.data;
}

/** `RetryInfo.retryDelay` is a protobuf Duration in JSON: `"34.4s"`. */
function retryDelaySeconds(body: GeminiErrorBody): number | undefined {
  for (const detail of body.error.details ?? []) {
    const match = typeof detail.retryDelay === 'string' ? retryDelayPattern.exec(detail.retryDelay) : null;
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}
