/**
 * Authentication at the edge: every route but `/health` needs a key, sent as
 * `Authorization: Bearer <key>` or `x-api-key: <key>` (what Anthropic SDKs send). The key is the
 * master key (the platform operator) or a virtual or admin key from the key directory (an in-memory
 * lookup, no database query). Unknown, revoked and expired keys get the same 401 along the same
 * path. Without a master key the server binds loopback only and serves callers that present no
 * Gatehouse key as the operator (checked at start-up); a Gatehouse key (`ghk_…`) is still checked.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';
import type { KeyDirectory } from '../tenancy/key-directory.js';
import { keyMarker } from '../tenancy/key-material.js';
import type { Principal } from '../tenancy/model.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every authenticated route. */
    principal: Principal | null;
  }
}

const openPaths = new Set(['/health']);
const master: Principal = { kind: 'master' };

export interface AuthenticationOptions {
  masterKey: string | undefined;
  directory: KeyDirectory;
}

export function installAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  const expected = options.masterKey === undefined ? null : digest(options.masterKey);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', (request, _reply, done) => {
    if (openPaths.has(request.routeOptions.url ?? '')) return done();
    const outcome = authenticateKey(presentedKey(request), expected, options.directory);
    if (outcome instanceof GatewayError) return done(outcome);
    request.principal = outcome;
    done();
  });
}

function authenticateKey(
  presented: string | undefined,
  masterDigest: Buffer | null,
  directory: KeyDirectory,
): Principal | GatewayError {
  if (presented === undefined) {
    if (masterDigest === null) return master;
    return new GatewayError(
      'invalid_api_key',
      'Missing API key: send `Authorization: Bearer <key>` (or `x-api-key: <key>`).',
      { publicCode: 'missing_api_key' },
    );
  }
  if (masterDigest !== null && timingSafeEqual(digest(presented), masterDigest)) return master;
  const active = directory.lookup(presented);
  if (active !== null) {
    return active.key.kind === 'admin' && active.key.role !== null
      ? { kind: 'admin', active, role: active.key.role }
      : { kind: 'virtual', active };
  }
  // Open (loopback) mode: SDKs need some key, so anything that is not a Gatehouse key is accepted.
  if (masterDigest === null && !presented.startsWith(keyMarker)) return master;
  return new GatewayError('invalid_api_key', 'Incorrect API key provided.', {
    publicCode: 'invalid_api_key',
  });
}

/** The caller of an authenticated route (the operator on routes that skip authentication). */
export function principalOf(request: FastifyRequest): Principal {
  return request.principal ?? master;
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
