/**
 * The one place errors become responses. Stages throw `GatewayError`s; Fastify's own failures (body
 * too large, wrong content type) and anything unexpected are mapped here, in the wire format of the
 * API the client spoke (OpenAI by default, Anthropic on `/v1/messages`). Unexpected errors are logged
 * with the request id and answered with a generic 500 — never a stack trace, never a crash.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';

export type ErrorFormat = 'openai' | 'anthropic';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Wire format of this route's error bodies. */
    errorFormat?: ErrorFormat;
  }
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendError(request, reply, toGatewayError(error, request)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      new GatewayError('not_found', `Unknown route ${request.method} ${request.url.split('?')[0] ?? ''}`),
    ),
  );
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: GatewayError): FastifyReply {
  if (error.headers) void reply.headers(error.headers);
  return reply
    .code(error.status)
    .type('application/json')
    .send(renderError(error, errorFormatOf(request)));
}

export function errorFormatOf(request: FastifyRequest): ErrorFormat {
  return request.routeOptions.config?.errorFormat ?? 'openai';
}

export function renderError(error: GatewayError, format: ErrorFormat): string {
  if (format === 'anthropic') {
    return JSON.stringify({
      type: 'error',
      error: { type: anthropicType(error.status), message: error.message },
    });
  }
  return JSON.stringify(error.toBody());
}

function toGatewayError(error: FastifyError, request: FastifyRequest): GatewayError {
  if (GatewayError.isInstance(error)) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new GatewayError(
        'request_too_large',
        `Request body exceeds the limit of ${request.routeOptions.bodyLimit ?? 0} bytes.`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new GatewayError(
        'unsupported_media_type',
        `Unsupported Content-Type ${request.headers['content-type'] ?? '(none)'}; send application/json.`,
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new GatewayError('invalid_json', 'The request body is empty; expected a JSON object.');
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return new GatewayError('invalid_request', error.message, { status: error.statusCode });
  }
  request.log.error({ err: error, requestId: request.id }, 'unhandled error');
  return new GatewayError(
    'internal_error',
    `Internal error (request ${request.id}); the details are in the server log.`,
  );
}

function anthropicType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}
