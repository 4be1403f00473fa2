/**
 * `GET /health` (the process is alive; open, for liveness probes) and `GET /ready` (the store answers
 * and telemetry is flowing; 503 otherwise, so a load balancer stops sending traffic). Telemetry is not
 * flowing when the writer has made no progress for longer than its stall limit, or its queue is at its
 * bound (every new event drops an old one): a gateway that silently loses traces is not healthy. Redis, when
 * configured, is reported but does not make the gateway unready: the stores that use it follow their
 * own fail-open / fail-closed policy (the limit store's state and failure count are shown).
 */
import type { FastifyInstance } from 'fastify';
import type { BulkWriterStats } from '../../telemetry/bulk-writer.js';

export interface ReadinessProbe {
  /** Resolves when the store answers a trivial query. */
  pingStore(): Promise<void>;
  /** Resolves when Redis answers; null when no Redis is configured. */
  pingRedis: (() => Promise<void>) | null;
  telemetry(): BulkWriterStats;
  /** Longest the telemetry writer may go without progress while events wait. */
  telemetryStallLimitMs: number;
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
    const telemetry = probe.telemetry();
    const telemetryProblem = telemetryHealth(telemetry, probe.telemetryStallLimitMs);
    const ready = store.status === 'ok' && telemetryProblem === null;
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      store,
      redis,
      telemetry: {
        ...telemetry,
        ...(telemetryProblem === null ? { status: 'ok' } : { status: 'error', error: telemetryProblem }),
      },
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

function telemetryHealth(stats: BulkWriterStats, stallLimitMs: number): string | null {
  if (stats.queued >= stats.maxQueue) {
    return `the telemetry queue is full (${stats.queued} events): new traces drop the oldest`;
  }
  if (stats.stalledMs > stallLimitMs) {
    const cause = stats.lastError === null ? '' : ` (last error: ${stats.lastError})`;
    return `the telemetry writer has stored nothing for ${Math.round(stats.stalledMs / 1000)} s with ${stats.queued} events waiting${cause}`;
  }
  return null;
}
