/**
 * `UpstreamCallError`: a failed call to a provider, with what the router needs to decide a retry.
 */

/** Upstream statuses worth retrying on another attempt or deployment (vercel/ai's `isRetryable`). */
export const retryableStatuses = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

export type UpstreamFailureKind = 'http' | 'timeout' | 'connection' | 'stream' | 'invalid_response';

export interface UpstreamCallErrorOptions {
  kind: UpstreamFailureKind;
  provider: string;
  /** The upstream HTTP status; absent for connection failures and timeouts. */
  status?: number;
  /** The provider's own error code or type (`rate_limit_error`, `context_length_exceeded`). */
  providerCode?: string;
  /** The raw response body, kept for the trace. */
  responseBody?: string;
  /** Seconds from `retry-after` / `retry-after-ms`. */
  retryAfterSeconds?: number;
  retryable?: boolean;
  cause?: unknown;
}

/** Error names, sent in stream error events, that mean "try again" (overload, rate limit, unavailable). */
export const retryableErrorNames = new Set([
  'overloaded_error',
  'rate_limit_error',
  'rate_limit_exceeded',
  'server_error',
  'api_error',
  'RESOURCE_EXHAUSTED',
  'UNAVAILABLE',
  'INTERNAL',
  'DEADLINE_EXCEEDED',
]);

const marker = Symbol.for('gatehouse.UpstreamCallError');

export class UpstreamCallError extends Error {
  readonly [marker] = true;
  readonly kind: UpstreamFailureKind;
  readonly provider: string;
  readonly status: number | undefined;
  readonly providerCode: string | undefined;
  readonly responseBody: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly isRetryable: boolean;

  constructor(message: string, options: UpstreamCallErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UpstreamCallError';
    this.kind = options.kind;
    this.provider = options.provider;
    this.status = options.status;
    this.providerCode = options.providerCode;
    this.responseBody = options.responseBody;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.isRetryable =
      options.retryable ??
      (options.kind === 'http'
        ? retryableStatuses.has(options.status ?? 0)
        : options.kind !== 'invalid_response');
  }

  static isInstance(value: unknown): value is UpstreamCallError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}
