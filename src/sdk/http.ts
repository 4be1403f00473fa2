/**
 * The SDK's one way to call Gatehouse's control-plane API: JSON over `fetch` (global by default, the
 * app's own when injected), a timeout, and two error types an app can tell apart — the registry said
 * no (`GatehouseApiError`: a 404, a 400…) or the registry could not be reached (`GatehouseUnreachableError`:
 * network failure, timeout, 5xx). Only the second may ever be answered with a fallback.
 */

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
  /** Gatehouse's URL, e.g. `http://127.0.0.1:4000`. */
  baseUrl: string;
  /** A virtual key (or the master key) sent as `Authorization: Bearer …`. */
  apiKey: string;
  /** Per-request timeout in ms. */
  timeoutMs: number;
  fetch: FetchFunction;
}

/** Gatehouse answered with an error the caller must see (4xx): never a reason to fall back. */
export class GatehouseApiError extends Error {
  readonly status: number;
  readonly type: string | null;
  readonly code: string | null;
  readonly param: string | null;

  constructor(
    status: number,
    body: { message?: string; type?: string; code?: string; param?: string | null },
  ) {
    super(body.message ?? `Gatehouse answered ${status}`);
    this.name = 'GatehouseApiError';
    this.status = status;
    this.type = body.type ?? null;
    this.code = body.code ?? null;
    this.param = body.param ?? null;
  }
}

/** Gatehouse could not be reached: network error, timeout or a 5xx. */
export class GatehouseUnreachableError extends Error {
  readonly status: number | null;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatehouseUnreachableError';
    this.status = options.status ?? null;
  }
}

export type HttpClient = ReturnType<typeof createHttpClient>;

export function createHttpClient(options: HttpOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await options.fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GatehouseUnreachableError(`Gatehouse at ${baseUrl} is unreachable: ${reason}`, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    if (response.status >= 500) {
      throw new GatehouseUnreachableError(`Gatehouse at ${baseUrl} answered ${response.status}`, {
        status: response.status,
      });
    }
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = (parsed as { error?: Record<string, string> } | null)?.error ?? {};
      throw new GatehouseApiError(response.status, error);
    }
    return parsed as T;
  }

  return {
    get: <T>(path: string) => request<T>('GET', path),
    post: <T>(path: string, body: unknown) => request<T>('POST', path, body),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
