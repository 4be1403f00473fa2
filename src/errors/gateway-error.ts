/**
 * Gateway errors: one table of codes, one class.
 *
 * Every failure the gateway reports is a `GatewayError` with a code from `errorCodes`; the table fixes
 * its HTTP status and OpenAI error `type`. Stages throw, and a single handler at the server edge
 * renders `{ error: { message, type, param, code } }` (the shape every OpenAI SDK parses).
 */

export const errorCodes = {
  invalid_json: { status: 400, type: 'invalid_request_error' },
  invalid_encoding: { status: 400, type: 'invalid_request_error' },
  invalid_request: { status: 400, type: 'invalid_request_error' },
  unsupported_parameter: { status: 400, type: 'invalid_request_error' },
  /** A guardrail blocked the request or the answer. */
  content_policy_violation: { status: 400, type: 'invalid_request_error' },
  invalid_api_key: { status: 401, type: 'authentication_error' },
  permission_denied: { status: 403, type: 'permission_error' },
  model_not_found: { status: 404, type: 'invalid_request_error' },
  not_found: { status: 404, type: 'not_found_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  /** The request is valid but clashes with the current state (a running experiment, a label with no history). */
  conflict: { status: 409, type: 'invalid_request_error' },
  request_too_large: { status: 413, type: 'invalid_request_error' },
  unsupported_media_type: { status: 415, type: 'invalid_request_error' },
  rate_limit_exceeded: { status: 429, type: 'rate_limit_error' },
  /** A tenant, project or key budget is spent for the period. */
  budget_exceeded: { status: 429, type: 'insufficient_quota' },
  /** The client went away before the answer was complete (nginx's 499); only ever seen in traces. */
  client_closed_request: { status: 499, type: 'invalid_request_error' },
  internal_error: { status: 500, type: 'api_error' },
  upstream_error: { status: 502, type: 'api_error' },
  service_unavailable: { status: 503, type: 'api_error' },
  upstream_timeout: { status: 504, type: 'timeout_error' },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof errorCodes;

export interface GatewayErrorOptions {
  /** The request field at fault, as a dotted path (`messages.0.role`). */
  param?: string | null;
  /** Overrides the table's HTTP status (upstream errors keep the provider's status). */
  status?: number;
  /** Overrides the table's OpenAI error type. */
  type?: string;
  /** The `code` clients see, when more precise than the table's (an upstream's `context_length_exceeded`). */
  publicCode?: string;
  /** Extra response headers (`retry-after`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

const marker = Symbol.for('gatehouse.GatewayError');

export class GatewayError extends Error {
  readonly [marker] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly publicCode: string;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? errorCodes[code].status;
    this.type = options.type ?? errorCodes[code].type;
    this.param = options.param ?? null;
    this.publicCode = options.publicCode ?? code;
    this.headers = options.headers;
  }

  /** Works across duplicated module copies, where `instanceof` would not. */
  static isInstance(value: unknown): value is GatewayError {
    return typeof value === 'object' && value !== null && marker in value;
  }

  /** The OpenAI wire body. */
  toBody(): { error: { message: string; type: string; param: string | null; code: string } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.publicCode } };
  }
}
