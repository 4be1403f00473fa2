/**
 * `GET /health` (the process is alive; open, for liveness probes) and `GET /ready` (the store answers
 * and telemetry is flowing; 503 otherwise, so a load balancer stops sending traffic). Redis, when
 * configured, is reported but does not make the gateway unready: the stores that use it follow their
 * own fail-open / fail-closed policy (the limit store's state and failure count are shown).
 */
import type { FastifyInstance } from 'fastify';

export interface ReadinessProbe {
  /** Resolves when the store answers a trivial query. */
  pingStore(): Promise<void>;
  /** Resolves when Redis answers; null when no Redis is configured. */
  pingRedis: (() => Promise<void>) | null;
  telemetry(): {
    queued: number;
    written: number;
    dropped: number;
    failedWrites: number;
    lastError: string | null;
  };
  config: { source: string | null; providers: number; models: number };
  /** The rate-limit and budget store: which, its failure policy, and failures the policy decided. */
  limits(): {
    store: string;
    policy: string;
    healthy: boolean;
    failures: number;
    last_error: string | null;
  };
  /** Usable keys held in memory by this replica. */
  keys(): number;
}

export function registerHealthRoutes(app: FastifyInstance, probe: ReadinessProbe): void {
  app.get('/health', (_request, reply) => reply.send({ status: 'ok' }));

  app.get('/ready', async (_request, reply) => {
    const [store, redis] = await Promise.all([
      check(() => probe.pingStore()),
      probe.pingRedis === null ? { status: 'not_configured' as const } : check(probe.pingRedis),
    ]);
    const ready = store.status === 'ok';
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      store,
      redis,
      telemetry: probe.telemetry(),
      limits: probe.limits(),
      keys: { loaded: probe.keys() },
      config: probe.config,
    });
  });
}

type CheckResult = { status: 'ok' } | { status: 'error'; error: string };

async function check(ping: () => Promise<void>): Promise<CheckResult> {
  try {
    await ping();
    return { status: 'ok' };
  } catch (error) {
    return { status: 'error', error: error instanceof Error ? error.message : String(error) };
  }
}
