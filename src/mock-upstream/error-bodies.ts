/**
 * Error bodies of the mock upstream in each wire format, shaped like the real services' so the
 * gateway's error readers and retry logic are tested on what production sends:
 * OpenAI `{error:{message,type,param,code}}`, Azure `{error:{code,message}}`,
 * Gemini `{error:{code,message,status}}`, Anthropic `{type:"error",error:{type,message}}`.
 */
import type { ServerResponse } from 'node:http';

export type WireFormat = 'openai' | 'azure' | 'gemini' | 'anthropic';

export interface ErrorOptions {
  /** A specific code (`invalid_api_key`, `MissingApiVersionParameter`) instead of the status default. */
  code?: string;
  headers?: Record<string, string>;
}

const geminiStatuses: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const anthropicTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function errorBody(format: WireFormat, status: number, message: string, code?: string): unknown {
  switch (format) {
    case 'openai': {
      const type = status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error';
      const defaultCode = status === 429 ? 'rate_limit_exceeded' : status === 401 ? 'invalid_api_key' : null;
      return { error: { message, type, param: null, code: code ?? defaultCode } };
    }
    case 'azure':
      return { error: { code: code ?? String(status), message } };
    case 'gemini':
      return {
        error: {
          code: status,
          message,
          status: code ?? geminiStatuses[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION'),
        },
      };
    case 'anthropic':
      return {
        type: 'error',
        error: {
          type: code ?? anthropicTypes[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'),
          message,
        },
      };
  }
}

/** Sends `status` with the format's error body; a 429 also tells the client to retry after a second. */
export function sendError(
  response: ServerResponse,
  format: WireFormat,
  status: number,
  message: string,
  options: ErrorOptions = {},
): void {
  const text = JSON.stringify(errorBody(format, status, message, options.code));
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...(status === 429 ? { 'retry-after': '1' } : {}),
    ...options.headers,
  });
  response.end(text);
}
