/**
 * `DELETE /api/cache` purges cached answers by any combination of `tenant`, `project`, `route` and
 * `prompt` (query string or JSON body; none purges everything). `GET /api/cache/stats` returns this
 * replica's counters: lookups, hits, semantic hits, hit rate, errors, cost and latency saved, and what
 * the stores hold.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ResponseCache } from '../../cache/response-cache.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { parseBody } from '../request-schemas.js';

const segment = z.string().min(1).max(256);
const purgeQuery = z.strictObject({
  tenant: segment.optional(),
  project: segment.optional(),
  route: segment.optional(),
  prompt: segment.optional(),
});

export function registerCacheRoutes(app: FastifyInstance, cache: ResponseCache): void {
  app.delete('/api/cache', async (request) => {
    const body = typeof request.body === 'object' && request.body !== null ? request.body : {};
    const filter = parseBody<z.infer<typeof purgeQuery>>(purgeQuery, {
      ...(request.query as object),
      ...body,
    });
    const purged = await cache.purge(filter).catch((error: unknown) => {
      throw new GatewayError(
        'service_unavailable',
        `The cache store could not be purged: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    });
    return { object: 'cache.purge', filter, deleted: purged.answers, vectors_deleted: purged.vectors };
  });

  app.get('/api/cache/stats', () => ({ object: 'cache.stats', ...cache.stats() }));
}
