/**
 * HTTP to upstream providers, written once for every adapter: undici pools with keep-alive, JSON and
 * SSE requests, and the mapping of every failure (status, timeout, refused connection, malformed body)
 * to an `UpstreamCallError`. Global `fetch` is never used on the data plane: it costs ~10× the CPU of
 * `undici.request` per call (ARCHITECTURE §6).
 */
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { EventSourceMessage } from 'eventsource-parser';
import { UpstreamCallError } from './upstream-error.js';
import { readServerSentEvents } from './sse.js';
import { describeErrorBody } from './error-body.js';

export interface UpstreamHttpOptions {
  /** Provider id, carried by errors. */
  provider: string;
  /** Base URL including any path prefix (`https://api.openai.com/v1`). */
  baseUrl: string;
  /** Headers sent on every request (auth, API version). */
  headers?: Record<string, string>;
  /** Query parameters appended to every request (`api-version`, `key`). */
  query?: Record<string, string>;
  /** Maximum open connections; each open stream holds one. */
  connections?: number;
  connectTimeoutMs?: number;
  /** Maximum wait for response headers. */
  headersTimeoutMs?: number;
  /** Maximum silence between two body chunks (a stalled stream). */
  idleTimeoutMs?: number;
}

export interface UpstreamRequest {
  path: string;
  body: unknown;
  signal: AbortSignal;
  headers?: Record<string, string>;
}

export interface UpstreamJsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export class UpstreamHttp {
  readonly provider: string;
  private readonly pool: Pool;
  private readonly pathPrefix: string;
  private readonly baseHeaders: Record<string, string>;
  private readonly query: string;
  private readonly headersTimeout: number;
  private readonly bodyTimeout: number;

  constructor(options: UpstreamHttpOptions) {
    const url = new URL(options.baseUrl);
    this.provider = options.provider;
    this.pathPrefix = url.pathname.replace(/\/+$/, '');
    this.query =
      options.query && Object.keys(options.query).length > 0
        ? new URLSearchParams(options.query).toString()
        : '';
    this.baseHeaders = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
    this.headersTimeout = options.headersTimeoutMs ?? 600_000;
    this.bodyTimeout = options.idleTimeoutMs ?? 300_000;
    this.pool = new Pool(url.origin, {
      connections: options.connections ?? 256,
      keepAliveTimeout: 30_000,
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    });
  }

  /** POSTs JSON and returns the parsed JSON answer; throws `UpstreamCallError` on any non-2xx. */
  async postJson(request: UpstreamRequest): Promise<UpstreamJsonResponse> {
    const response = await this.send(request, 'application/json');
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw this.mapFailure(error, request.signal);
    }
    try {
      return { status: response.statusCode, headers: response.headers, body: JSON.parse(text) as unknown };
    } catch (error) {
      throw new UpstreamCallError(`${this.provider} returned a body that is not JSON`, {
        kind: 'invalid_response',
        provider: this.provider,
        status: response.statusCode,
        responseBody: text.slice(0, 2000),
        cause: error,
      });
    }
  }

  /**
   * POSTs JSON and returns the response's server-sent events once the upstream answered 2xx. Leaving
   * the iteration early destroys the body, which cancels the upstream request.
   */
  async postEventStream(request: UpstreamRequest): Promise<AsyncIterable<EventSourceMessage>> {
    const response = await this.send(request, 'text/event-stream');
    return readServerSentEvents(response.body, (error) => this.mapFailure(error, request.signal));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(request: UpstreamRequest, accept: string): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method: 'POST',
        path: this.pathFor(request.path),
        headers: { ...this.baseHeaders, accept, ...request.headers },
        body: JSON.stringify(request.body),
        signal: request.signal,
        headersTimeout: this.headersTimeout,
        bodyTimeout: this.bodyTimeout,
      });
    } catch (error) {
      throw this.mapFailure(error, request.signal);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    throw await this.statusFailure(response);
  }

  private pathFor(path: string): string {
    const full = this.pathPrefix + path;
    if (this.query === '') return full;
    return full + (full.includes('?') ? '&' : '?') + this.query;
  }

  private async statusFailure(response: Dispatcher.ResponseData): Promise<UpstreamCallError> {
    const text = await response.body.text().catch(() => '');
    const described = describeErrorBody(text);
    return new UpstreamCallError(
      described.message ?? `${this.provider} answered HTTP ${response.statusCode}`,
      {
        kind: 'http',
        provider: this.provider,
        status: response.statusCode,
        providerCode: described.code,
        responseBody: text.slice(0, 4000),
        retryAfterSeconds: parseRetryAfter(response.headers) ?? described.retryAfterSeconds,
      },
    );
  }

  /** Maps an undici failure; a cancelled request rethrows the abort reason untouched. */
  private mapFailure(error: unknown, signal: AbortSignal): unknown {
    if (signal.aborted) return signal.reason ?? error;
    if (UpstreamCallError.isInstance(error)) return error;
    const code = (error as { code?: string } | null)?.code ?? '';
    const message = error instanceof Error ? error.message : String(error);
    if (
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT'
    ) {
      return new UpstreamCallError(`${this.provider} timed out (${code}): ${message}`, {
        kind: 'timeout',
        provider: this.provider,
        cause: error,
      });
    }
    return new UpstreamCallError(`${this.provider} connection failed: ${code ? `${code} ` : ''}${message}`, {
      kind: 'connection',
      provider: this.provider,
      cause: error,
    });
  }
}

/** `retry-after-ms` (OpenAI), `retry-after` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: Record<string, string | string[] | undefined>): number | undefined {
  const milliseconds = Number(first(headers['retry-after-ms']));
  if (Number.isFinite(milliseconds) && milliseconds >= 0 && first(headers['retry-after-ms']) !== undefined) {
    return milliseconds / 1000;
  }
  const value = first(headers['retry-after']);
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
