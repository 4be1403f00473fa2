/**
 * Reads a provider's error body. OpenAI (`{error:{message,type,code}}`), Anthropic
 * (`{type:"error",error:{type,message}}`), Gemini (`{error:{code,message,status,details}}`, sometimes
 * inside an array) and most compatible servers share the `error.message` shape, so one reader serves
 * them all.
 */
export interface DescribedError {
  message?: string;
  /** The most specific name the provider gave (`context_length_exceeded`, `rate_limit_error`, `RESOURCE_EXHAUSTED`). */
  code?: string;
  /** A numeric code in the body (Gemini repeats the HTTP status there, also inside stream error events). */
  numericCode?: number;
  /** Gemini's `RetryInfo.retryDelay` (`"34.4s"`), which it sends instead of a `retry-after` header. */
  retryAfterSeconds?: number;
}

const durationPattern = /^(\d+(?:\.\d+)?)s$/;

export function describeErrorBody(text: string): DescribedError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const trimmed = text.trim();
    return trimmed === '' ? {} : { message: trimmed.slice(0, 500) };
  }
  return describeErrorValue(Array.isArray(parsed) ? parsed[0] : parsed);
}

export function describeErrorValue(value: unknown): DescribedError {
  if (typeof value !== 'object' || value === null) return {};
  const error = (value as { error?: unknown }).error;
  const source = (typeof error === 'object' && error !== null ? error : value) as Record<string, unknown>;
  const described: DescribedError = {};
  if (typeof source.message === 'string') described.message = source.message;
  else if (typeof error === 'string') described.message = error;
  // Names before numbers: a status name says more than a number that repeats the HTTP status.
  const name = [source.code, source.type, source.status].find((candidate) => typeof candidate === 'string');
  if (typeof name === 'string') described.code = name;
  if (typeof source.code === 'number') {
    described.numericCode = source.code;
    described.code ??= String(source.code);
  }
  const retryAfter = retryDelayOf(source.details);
  if (retryAfter !== undefined) described.retryAfterSeconds = retryAfter;
  return described;
}

function retryDelayOf(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as unknown[]) {
    const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
    const match = typeof delay === 'string' ? durationPattern.exec(delay) : null;
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}
