/**
 * `GET /api/routing/health`: every target's circuit breaker, load, latency and limit usage, floating
 * model aliases, and each model's strategy, fallbacks, canary, complexity shares, split and shadow.
 */
import type { FastifyInstance } from 'fastify';
import type { ModelRouter } from '../../gateway/resolve-route.js';

export function registerRoutingHealthRoute(app: FastifyInstance, router: ModelRouter): void {
  app.get('/api/routing/health', (_request, reply) => reply.send(router.health()));
}
