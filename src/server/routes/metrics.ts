/** `GET /metrics`: Prometheus text exposition (behind the master key like every route but /health). */
import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from '../../telemetry/metrics.js';

export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.contentType).send(await metrics.render()),
  );
}
