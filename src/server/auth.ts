/**
 * Master-key authentication at the edge. With a master key, every route but `/health` needs it as
 * `Authorization: Bearer <key>` or `x-api-key: <key>` (what Anthropic SDKs send). Without one the
 * server only binds loopback, so only local clients can reach it (checked at start-up).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';

const openPaths = new Set(['/health']);

export function installMasterKeyAuth(app: FastifyInstance, masterKey: string | undefined): void {
  if (masterKey === undefined) return;
  const expected = digest(masterKey);
  app.addHook('onRequest', async (request) => {
    if (openPaths.has(request.routeOptions.url ?? '')) return;
    const presented = presentedKey(request);
    if (presented === undefined) {
      throw new GatewayError(
        'invalid_api_key',
        'Missing API key: send `Authorization: Bearer <key>` (or `x-api-key: <key>`).',
        { publicCode: 'missing_api_key' },
      );
    }
    if (!timingSafeEqual(digest(presented), expected)) {
      throw new GatewayError('invalid_api_key', 'Incorrect API key provided.', { publicCode: 'invalid_api_key' });
    }
  });
}

export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

/** Comparing fixed-length digests keeps the comparison constant-time whatever the key lengths. */
function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
