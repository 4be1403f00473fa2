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
  app.addHook('onRequest', (request, _reply, done) => {
    done(
      openPaths.has(request.routeOptions.url ?? '') ? undefined : checkKey(presentedKey(request), expected),
    );
  });
}

function checkKey(presented: string | undefined, expected: Buffer): GatewayError | undefined {
  if (presented === undefined) {
    return new GatewayError(
      'invalid_api_key',
      'Missing API key: send `Authorization: Bearer <key>` (or `x-api-key: <key>`).',
      { publicCode: 'missing_api_key' },
    );
  }
  if (!timingSafeEqual(digest(presented), expected)) {
    return new GatewayError('invalid_api_key', 'Incorrect API key provided.', {
      publicCode: 'invalid_api_key',
    });
  }
  return undefined;
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
  return (
    host === 'localhost' ||
    host === '::1' ||
    host === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}
