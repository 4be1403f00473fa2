/**
 * `GET /health` (the process is alive; open, for liveness probes) and `GET /ready` (the store answers
 * and telemetry is flowing; 503 otherwise, so a load balancer stops sending traffic).
 */
import type { FastifyInstance } from 'fastify';

export interface ReadinessProbe {
  /** Resolves when the store answers a trivial query. */
  pingStore(): Promise<void>;
  telemetry(): {
    queued: number;
    written: number;
    dropped: number;
    failedWrites: number;
    lastError: string | null;
  };
  config: { source: string | null; providers: number; models: number };
}

export function registerHealthRoutes(app: FastifyInstance, probe: ReadinessProbe): void {
  app.get('/health', (_request, reply) => reply.send({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    let store: { status: 'ok' } | { status: 'error'; error: string } = { status: 'ok' };
    try {
      await probe.pingStore();
    } catch (error) {
      store = { status: 'error', error: error instanceof Error ? error.message : String(error) };
    }
    const ready = store.status === 'ok';
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      store,
      telemetry: probe.telemetry(),
      config: probe.config,
    });
  });
}
