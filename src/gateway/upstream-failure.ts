/**
 * Maps a failed upstream call to what the client sees. The client's own mistakes (400, 404, 413, 422)
 * keep their status and the provider's message; rate limits stay 429 with `retry-after`; everything
 * that is the upstream's or the gateway's credentials' fault becomes 502, and timeouts 504, so a
 * client never mistakes a bad provider key for its own.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { UpstreamCallError } from '../providers/shared/upstream-error.js';

const clientFaults = new Set([400, 404, 413, 422]);

export function toGatewayError(error: UpstreamCallError): GatewayError {
  const where = `upstream ${error.provider}`;
  const publicCode = error.providerCode ?? undefined;
  if (error.kind === 'timeout' || error.status === 408) {
    return new GatewayError('upstream_timeout', `${where} timed out: ${error.message}`, { cause: error });
  }
  if (error.kind === 'http' && error.status !== undefined) {
    if (clientFaults.has(error.status)) {
      return new GatewayError('invalid_request', `${where}: ${error.message}`, {
        status: error.status,
        type: error.status === 404 ? 'not_found_error' : 'invalid_request_error',
        ...(publicCode === undefined ? {} : { publicCode }),
        cause: error,
      });
    }
    if (error.status === 429) {
      return new GatewayError('rate_limit_exceeded', `${where} is rate limiting: ${error.message}`, {
        ...(publicCode === undefined ? {} : { publicCode }),
        headers:
          error.retryAfterSeconds === undefined
            ? {}
            : { 'retry-after': String(Math.ceil(error.retryAfterSeconds)) },
        cause: error,
      });
    }
    if (error.status === 401 || error.status === 403) {
      return new GatewayError(
        'upstream_error',
        `${where} rejected the gateway's credentials (HTTP ${error.status}): ${error.message}`,
        {
          publicCode: 'upstream_authentication_failed',
          cause: error,
        },
      );
    }
  }
  const status = error.status === undefined ? '' : ` (HTTP ${error.status})`;
  return new GatewayError('upstream_error', `${where} failed${status}: ${error.message}`, {
    ...(publicCode === undefined ? {} : { publicCode }),
    cause: error,
  });
}
