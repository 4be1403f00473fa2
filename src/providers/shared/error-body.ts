/**
 * Reads a provider's error body. OpenAI (`{error:{message,type,code}}`), Anthropic
 * (`{type:"error",error:{type,message}}`), Gemini (`{error:{code,message,status}}`, sometimes inside an
 * array) and most compatible servers share the `error.message` shape, so one reader serves them all.
 */
export interface DescribedError {
  message?: string;
  code?: string;
}

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
  const message =
    typeof source.message === 'string' ? source.message : typeof error === 'string' ? error : undefined;
  const codeValue = source.code ?? source.type ?? source.status;
  const code = typeof codeValue === 'string' || typeof codeValue === 'number' ? String(codeValue) : undefined;
  return { ...(message === undefined ? {} : { message }), ...(code === undefined ? {} : { code }) };
}
