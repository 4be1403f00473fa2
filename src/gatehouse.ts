/**
 * The composition root: from a validated config to a running gateway, and back down again.
 * Start-up opens the store and migrates it, builds the adapters, the pipeline and the server.
 * Shutdown stops accepting, lets in-flight requests (streams included) finish up to a deadline,
 * flushes buffered telemetry, and closes pools and the store.
 */
import pino from 'pino';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { GatehouseConfig } from './config/schema.js';
import { ConfigError } from './config/config-error.js';
import { openDatabase } from './storage/database.js';
import type { Database } from './storage/database.js';
import { migrateToLatest } from './storage/migrate.js';
import { openRedis, type RedisStore } from './storage/redis.js';
import { createTraceRepository } from './storage/trace-repository.js';
import { createBulkWriter } from './telemetry/bulk-writer.js';
import type { BulkWriter } from './telemetry/bulk-writer.js';
import { createProviderAdapters } from './providers/registry.js';
import type { ProviderAdapter } from './providers/spec.js';
import { createModelRouter } from './gateway/resolve-route.js';
import { createPipeline } from './gateway/pipeline.js';
import { createPriceCatalog } from './usage/price-catalog.js';
import { buildServer } from './server/app.js';
import { isLoopbackHost } from './server/auth.js';
import { createDatasetRepository } from './storage/dataset-repository.js';
import { createEvalRunRepository } from './storage/eval-run-repository.js';
import { createOnlineEvalRepository, type OnlineEvalRepository } from './storage/online-eval-repository.js';
import type { TraceRepository } from './storage/trace-repository.js';
import type { OnlineEvaluation } from './evals/online/online-evaluation.js';
import type { GatewayClient } from './evals/runner/gateway-client.js';
import type { PriceCatalog } from './usage/price-catalog.js';

export interface GatehouseOptions {
  config: GatehouseConfig;
  /** The config file read, for `/ready`. */
  configSource?: string | null;
  logger?: Logger;
}

export interface Gatehouse {
  app: FastifyInstance;
  /** Listens on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  /** Graceful shutdown; safe to call twice. */
  close(): Promise<void>;
  telemetry: BulkWriter;
  database: Database;
  /** Set when `storage.redis_url` is configured. */
  redis: RedisStore | null;
}

export async function createGatehouse(options: GatehouseOptions): Promise<Gatehouse> {
  const { config } = options;
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const masterKey = config.auth.master_key;
  if (masterKey === undefined && !isLoopbackHost(config.server.host)) {
    throw new ConfigError(
      `refusing to listen on ${config.server.host} without a master key: set GATEHOUSE_MASTER_KEY (or auth.master_key), or bind 127.0.0.1`,
    );
  }

  const database = await openDatabase(config.storage.database_url);
  const redis =
    config.storage.redis_url === undefined
      ? null
      : openRedis(config.storage.redis_url, { keyPrefix: config.storage.redis_key_prefix, logger });
  let adapters: Map<string, ProviderAdapter> | undefined;
  let telemetry: BulkWriter | undefined;
  try {
    await migrateToLatest(database);
    const traces = createTraceRepository(database);
    telemetry = createBulkWriter({
      write: (events) => traces.insertBatch(events),
      flushIntervalMs: config.telemetry.flush_interval_ms,
      batchSize: config.telemetry.batch_size,
      maxQueue: config.telemetry.max_queue,
      logger,
    });
    adapters = createProviderAdapters(config.providers);
    const router = createModelRouter(config.models, adapters);
    const prices = createPriceCatalog({ enabled: config.pricing.enabled, overrides: config.pricing.models });
    const pipeline = createPipeline({
      router,
      sink: telemetry,
      prices,
      captureContent: config.telemetry.capture_content,
    });
    const evals = {
      datasets: createDatasetRepository(database),
      runs: createEvalRunRepository(database),
      online: createOnlineEvalRepository(database),
    };
    const writer = telemetry;
    const app = buildServer({
      pipeline,
      router,
      traces,
      evals,
      masterKey,
      bodyLimitBytes: config.server.body_limit_bytes,
      logger,
      readiness: {
        pingStore: () => database.ping(),
        pingRedis: redis === null ? null : () => redis.ping(),
        telemetry: () => writer.stats(),
        config: {
          source: options.configSource ?? null,
          providers: config.providers.length,
          models: config.models.length,
        },
      },
    });
    return assemble(
      app,
      config,
      { database, redis, telemetry: writer, adapters, online: { evaluators: evals.online, traces, prices } },
      logger,
    );
  } catch (error) {
    await telemetry?.close();
    await Promise.allSettled([...(adapters?.values() ?? [])].map((adapter) => adapter.close()));
    await redis?.close();
    await database.close();
    throw error;
  }
}

interface Resources {
  database: Database;
  redis: RedisStore | null;
  telemetry: BulkWriter;
  adapters: Map<string, ProviderAdapter>;
  /** What online evaluation needs once the server listens (it calls judges through this gateway). */
  online: { evaluators: OnlineEvalRepository; traces: TraceRepository; prices: PriceCatalog };
}

function assemble(
  app: FastifyInstance,
  config: GatehouseConfig,
  resources: Resources,
  logger: Logger,
): Gatehouse {
  const { database, redis, telemetry, adapters } = resources;
  let closing: Promise<void> | undefined;
  // Started in the background once listening (listen() must not wait for its code to load).
  let online: Promise<{ evaluation: OnlineEvaluation; client: GatewayClient } | undefined> | undefined;

  async function shutdown(): Promise<void> {
    const deadline = setTimeout(() => {
      logger.warn(
        { timeoutMs: config.server.shutdown_timeout_ms },
        'shutdown deadline reached; closing open connections',
      );
      app.server.closeAllConnections();
    }, config.server.shutdown_timeout_ms);
    deadline.unref();
    try {
      const started = await online;
      await started?.evaluation.stop();
      await started?.client.close();
      await app.close();
    } finally {
      clearTimeout(deadline);
      await telemetry.close();
      await Promise.allSettled([...adapters.values()].map((adapter) => adapter.close()));
      await redis?.close();
      await database.close();
    }
  }

  /**
   * Online evaluators grade with judges called through this gateway, over loopback. Their code (the
   * graders, judges, ajv) loads here, not at start-up.
   */
  async function startOnline(
    address: string,
  ): Promise<{ evaluation: OnlineEvaluation; client: GatewayClient }> {
    const [{ startOnlineEvaluation }, { createGatewayClient }] = await Promise.all([
      import('./evals/online/online-evaluation.js'),
      import('./evals/runner/gateway-client.js'),
    ]);
    const url = new URL(address);
    // A wildcard bind is reachable on loopback; a specific interface only on its own address.
    if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
    const masterKey = config.auth.master_key;
    const client = createGatewayClient({
      baseUrl: url.origin,
      prices: resources.online.prices,
      connections: 8,
      ...(masterKey === undefined ? {} : { apiKey: masterKey }),
    });
    const evaluation = startOnlineEvaluation({
      evaluators: resources.online.evaluators,
      traces: resources.online.traces,
      scores: resources.online.evaluators.scores,
      client,
      logger,
      pollIntervalMs: config.evals.online.poll_interval_ms,
      settleMs: config.evals.online.settle_ms,
      maxTracesPerPoll: config.evals.online.max_traces_per_poll,
    });
    return { evaluation, client };
  }

  return {
    app,
    telemetry,
    database,
    redis,
    async listen() {
      const address = await app.listen({ host: config.server.host, port: config.server.port });
      if (config.evals.online.enabled && online === undefined) {
        online = startOnline(address).catch((error: unknown) => {
          logger.error({ err: error }, 'online evaluation failed to start');
          return undefined;
        });
      }
      if (config.auth.master_key === undefined) {
        logger.warn('no GATEHOUSE_MASTER_KEY set: serving unauthenticated requests on loopback only');
      }
      return address;
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
