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
import { createTraceAnalytics } from './storage/trace-analytics.js';
import { createAlertRepository } from './storage/alert-repository.js';
import { createAlertEngine, type AlertEngine } from './telemetry/alerts/alert-engine.js';
import { createDrift, type Drift } from './telemetry/drift/create-drift.js';
import { createTraceRetention } from './storage/trace-retention.js';
import { startRetentionJob, type RetentionJob } from './telemetry/retention-job.js';
import { createPiiRedactor } from './guardrails/pii/redact-pii.js';
import { redactEvents } from './telemetry/redaction/redactor.js';
import { createBulkWriter } from './telemetry/bulk-writer.js';
import { createGatewayMetrics } from './telemetry/metrics.js';
import { createIngestion } from './telemetry/otlp-ingest/ingest.js';
import { teeSinks } from './telemetry/tee-sink.js';
import { createOtlpSpanExport, type OtlpSpanExport } from './telemetry/otlp-export/otlp-span-export.js';
import type { BulkWriter } from './telemetry/bulk-writer.js';
import { createProviderAdapters } from './providers/registry.js';
import type { ProviderAdapter } from './providers/spec.js';
import { createModelRouter } from './gateway/resolve-route.js';
import { createBreakerStore } from './routing/create-breaker-store.js';
import type { BreakerStore } from './routing/breaker-store.js';
import { createPipeline } from './gateway/pipeline.js';
import { createTextCompleter } from './gateway/complete-text.js';
import { compileGuardrailPolicies } from './guardrails/policy/guardrail-policies.js';
import type { GuardrailPolicies } from './guardrails/policy/guardrail-policies.js';
import {
  createGuardrailReviewRepository,
  type NewReviewItem,
} from './storage/guardrail-review-repository.js';
import { createPriceCatalog } from './usage/price-catalog.js';
import { buildServer } from './server/app.js';
import { createTenancyRepository } from './tenancy/tenancy-repository.js';
import { createAuditLog } from './tenancy/audit-log.js';
import { openKeyDirectory, type KeyDirectory } from './tenancy/key-directory.js';
import { createTenancyService } from './tenancy/tenancy-service.js';
import { openLimitStore } from './limits/open-limit-store.js';
import type { LimitStore } from './limits/limit-store.js';
import { createLimiter } from './limits/limiter.js';
import { createBudgetAlerts } from './limits/budget-alerts.js';
import { createSpendRepository } from './storage/spend-repository.js';
import { createConfiguredResponseCache } from './cache/create-response-cache.js';
import { cachingConfigured, type ResponseCache } from './cache/response-cache.js';
import { isLoopbackHost } from './server/auth.js';
import { createPromptRepository } from './prompts/prompt-repository.js';
import { createPromptResolver } from './prompts/prompt-resolver.js';
import { createPromptRegistry, type PromptEvalGate, type PromptRegistry } from './prompts/registry.js';
import { createExperimentService } from './prompts/experiments.js';
import type { PromptScope } from './prompts/types.js';
import { createScoreRepository } from './telemetry/score-repository.js';
import { createRecentRequests } from './telemetry/recent-requests.js';
import { startPendingScoreAttachment } from './telemetry/pending-score-attachment.js';
import type { PeriodicPass } from './telemetry/periodic-pass.js';
import { createDatasetRepository } from './storage/dataset-repository.js';
import { createEvalRunRepository } from './storage/eval-run-repository.js';
import { createOnlineEvalRepository, type OnlineEvalRepository } from './storage/online-eval-repository.js';
import type { TraceRepository } from './storage/trace-repository.js';
import type { OnlineEvaluation } from './evals/online/online-evaluation.js';
import { createGatewayClient, type GatewayClient } from './evals/runner/gateway-client.js';
import { registryPromptSource } from './evals/prompts/pin-prompts.js';
import { createEvalRunQueue, type EvalRunQueue } from './evals/run-queue.js';
import { scoresTableWriter, type ScoreWriter } from './evals/online/score-writer.js';
import type { PriceCatalog } from './usage/price-catalog.js';

export interface GatehouseOptions {
  config: GatehouseConfig;
  /** The config file read, for `/ready`. */
  configSource?: string | null;
  logger?: Logger;
  /** The evaluation feature's verdict on protected prompt labels; without it every move is allowed. */
  promptEvalGate?: PromptEvalGate;
  /** Called when a prompt's versions or labels change (the response cache purges behind it). */
  onPromptChanged?: (name: string, scope: PromptScope) => void;
  /** The clock alerts and drift windows are judged by (tests move it instead of waiting); default `Date.now`. */
  now?: () => number;
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
  /** The prompt registry (the eval CLI pins suites' `prompt:` references through it in-process). */
  prompts: PromptRegistry;
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
      : openRedis(config.storage.redis_url, {
          keyPrefix: config.storage.redis_key_prefix,
          commandTimeoutMs: config.storage.redis_command_timeout_ms,
          logger,
        });
  let adapters: Map<string, ProviderAdapter> | undefined;
  let telemetry: BulkWriter | undefined;
  let otlpExport: OtlpSpanExport | null = null;
  let breakers: BreakerStore | undefined;
  let keys: KeyDirectory | undefined;
  let limitStore: LimitStore | undefined;
  let cache: ResponseCache | undefined;
  let alerts: AlertEngine | undefined;
  let drift: Drift | undefined;
  let retentionJob: RetentionJob | undefined;
  let pendingScores: PeriodicPass | undefined;
  let reviewQueue: BulkWriter<NewReviewItem> | undefined;
  let guardrailPolicies: GuardrailPolicies | undefined;
  try {
    await migrateToLatest(database);
    const tenancyRepository = createTenancyRepository(database.db);
    const audit = createAuditLog(database.db);
    keys = await openKeyDirectory({
      repository: tenancyRepository,
      redis,
      syncIntervalMs: config.tenancy.key_sync_interval_ms,
      logger,
    });
    const tenancy = createTenancyService({ repository: tenancyRepository, audit, directory: keys });
    limitStore = openLimitStore(config.limits.store, redis, { leaseMs: config.limits.concurrency_lease_ms });
    const metrics = createGatewayMetrics();
    const limiter = createLimiter({
      onRefusal: (refusal) => metrics.rateLimitRejection(refusal.kind, refusal),
      store: limitStore,
      policy: config.limits.failure_policy,
      outputTokensEstimate: config.limits.output_tokens_estimate,
      logger,
      onBudgetEvent: createBudgetAlerts({
        webhookUrl: config.limits.budget_webhook_url,
        logger,
        record: (event) =>
          audit.append({
            tenantId: event.tenantId,
            projectId: event.level === 'project' ? event.id : null,
            actor: 'gatehouse',
            action: event.threshold >= 1 ? 'budget.exceeded' : 'budget.threshold',
            targetType: event.level,
            targetId: event.id,
            before: null,
            after: event,
            requestId: null,
          }),
      }),
    });
    const traces = createTraceRepository(database);
    const redactor = config.privacy.redact_pii ? createPiiRedactor() : null;
    telemetry = createBulkWriter({
      // Redaction runs here, per batch on the writer's schedule, never on the request path.
      write: (events) => traces.insertBatch(redactor === null ? events : redactEvents(events, redactor)),
      flushIntervalMs: config.telemetry.flush_interval_ms,
      batchSize: config.telemetry.batch_size,
      maxQueue: config.telemetry.max_queue,
      logger,
    });
    const onlineEvaluators = createOnlineEvalRepository(database);
    const evalRuns = createEvalRunQueue({ concurrency: config.evals.runs.max_concurrent, logger });
    // Set once the server listens: API-started eval runs call models through this gateway over loopback.
    const loopback: Loopback = { url: undefined };
    const writer = telemetry;
    const analytics = createTraceAnalytics(database);
    const alertRepository = createAlertRepository(database);
    const retention = createTraceRetention(database);
    retentionJob = startRetentionJob({
      retention,
      days: config.privacy.retention_days,
      projectDays: config.privacy.project_retention_days,
      intervalMs: config.privacy.retention_interval_ms,
      logger,
    });
    drift = createDrift({ database, config: config.drift, adapters: () => adapters ?? new Map() });
    const now = options.now ?? Date.now;
    alerts = await createAlertEngine({
      analytics,
      repository: alertRepository,
      configRules: config.alerts.rules,
      checks: drift.checks,
      webhooks: config.alerts.webhooks,
      intervalMs: config.alerts.evaluation_interval_ms,
      logger,
      onFiringChange: (rule, firing) => metrics.alertFiring(rule, firing),
      now,
    });
    metrics.watchWriter(() => writer.stats());
    const otlpConfig = config.telemetry.otlp_export;
    if (otlpConfig !== undefined) {
      const exporter = createOtlpSpanExport({ config: otlpConfig, logger });
      metrics.watchOtlpExport(() => exporter.stats());
      otlpExport = exporter;
    }
    adapters = createProviderAdapters(config.providers);
    const prices = createPriceCatalog({ enabled: config.pricing.enabled, overrides: config.pricing.models });
    breakers = createBreakerStore(redis, logger);
    const router = createModelRouter({
      models: config.models,
      routing: config.routing,
      adapters,
      breakers,
      prices,
      onBreakerChange: (deployment, state) => metrics.breakerTransition(deployment, state),
    });
    metrics.watchBreakers(() => router.breakerStates());
    const guardrails = compileGuardrailPolicies(
      config.guardrails,
      config.models,
      (model) => router.resolve(model) !== undefined,
    );
    guardrailPolicies = guardrails;
    cache = createConfiguredResponseCache(config.cache, {
      redis,
      adapters,
      prices,
      onLookup: (kind, result) => metrics.cacheLookup(kind, result),
    });
    const responseCache = cache;
    const promptRepository = createPromptRepository(database);
    const promptResolver = createPromptResolver({
      repository: promptRepository,
      refreshIntervalMs: config.prompts.refresh_interval_ms,
    });
    const promptRegistry = createPromptRegistry({
      repository: promptRepository,
      resolver: promptResolver,
      protectedLabels: config.prompts.protected_labels,
      evalGate: options.promptEvalGate,
      onPromptChanged(name, scope) {
        // Answers cached behind the prompt's old version must not outlive it.
        responseCache
          .purge({ tenant: scope.tenantId, project: scope.projectId, prompt: name })
          .catch((error: unknown) =>
            logger.warn({ error, prompt: name }, 'cache purge after a prompt change failed'),
          );
        options.onPromptChanged?.(name, scope);
      },
    });
    const completeText = createTextCompleter(router);
    const recentRequests = createRecentRequests();
    const reviewRepository = createGuardrailReviewRepository(database);
    // The review queue is written like telemetry: queued on the request path, stored in batches.
    reviewQueue = createBulkWriter<NewReviewItem>({
      write: (items) => reviewRepository.insertBatch(items),
      flushIntervalMs: config.telemetry.flush_interval_ms,
      batchSize: config.telemetry.batch_size,
      maxQueue: config.telemetry.max_queue,
      // Its failures are logged as the writer's, tagged so they are not mistaken for trace writes.
      logger: logger.child({ writer: 'guardrail-review-queue' }),
    });
    const reviewWriter = reviewQueue;
    const pipeline = createPipeline({
      prompts: promptResolver,
      guardrails,
      guardrailSinks: {
        countVerdict: (stage, policy, check, action) => metrics.guardrailCheck(stage, policy, check, action),
        review: (item) => reviewWriter.record(item),
      },
      completeText,
      router,
      sink: teeSinks(writer, metrics, ...(otlpExport === null ? [] : [otlpExport])),
      prices,
      captureContent: config.telemetry.capture_content,
      limiter,
      outputTokensEstimate: config.limits.output_tokens_estimate,
      cache: cachingConfigured(config.cache) ? cache : null,
      recentRequests,
    });
    const scores = createScoreRepository(database, recentRequests);
    pendingScores = startPendingScoreAttachment(scores, logger);
    const directory = keys;
    const ingestion = createIngestion({
      record: (event) => writer.record(event),
      prices,
      captureContent: config.telemetry.capture_content,
      countSpans: (result, count) => metrics.ingestedSpans(result, count),
    });
    const app = buildServer({
      pipeline,
      router,
      traces,
      cache,
      metrics,
      ingestion,
      analytics,
      alerts: { engine: alerts, repository: alertRepository },
      drift: { reporter: drift.reporter, monitors: drift.monitors, now },
      userData: { retention, flushTelemetry: () => writer.flush() },
      prompts: {
        registry: promptRegistry,
        experiments: createExperimentService(promptRegistry, promptRepository),
      },
      scores,
      evals: {
        online: onlineEvaluators,
        datasets: (scope) => createDatasetRepository(database, scope),
        runs: (scope) => createEvalRunRepository(database, scope),
        prompts: (scope) => registryPromptSource(promptRegistry, scope),
        queue: evalRuns,
        openClient(apiKey) {
          if (loopback.url === undefined) throw new Error('the server is not listening yet');
          const key = apiKey ?? masterKey;
          return createGatewayClient({
            baseUrl: loopback.url,
            prices,
            connections: 16,
            ...(key === undefined ? {} : { apiKey: key }),
          });
        },
      },
      masterKey,
      guardrails: {
        policies: guardrails,
        complete: completeText,
        review: reviewRepository,
      },
      keys: directory,
      tenancy,
      audit,
      querySpend: createSpendRepository(database),
      bodyLimitBytes: config.server.body_limit_bytes,
      logger,
      readiness: {
        pingStore: () => database.ping(),
        pingRedis: redis === null ? null : () => redis.ping(),
        telemetry: () => writer.stats(),
        limits: () => limiter.status(),
        keys: () => directory.size,
        telemetryStallLimitMs: config.telemetry.stall_limit_ms,
        config: {
          source: options.configSource ?? null,
          providers: config.providers.length,
          models: config.models.length,
        },
      },
    });
    alerts.start();
    return assemble(
      app,
      config,
      {
        database,
        redis,
        telemetry: writer,
        reviewQueue: reviewWriter,
        guardrails,
        otlpExport,
        adapters,
        breakers,
        keys: directory,
        limitStore,
        cache,
        alerts,
        drift,
        retentionJob,
        pendingScores,
        online: { evaluators: onlineEvaluators, traces, prices, scores: scoresTableWriter(scores) },
        evalRuns,
        loopback,
      },
      promptRegistry,
      logger,
    );
  } catch (error) {
    await closeResources({
      database,
      redis,
      telemetry,
      reviewQueue,
      guardrails: guardrailPolicies,
      otlpExport,
      adapters,
      breakers,
      keys,
      limitStore,
      cache,
      alerts,
      drift,
      retentionJob,
      pendingScores,
    });
    throw error;
  }
}

/**
 * Stops the background jobs, then closes everything in dependency order: limits and keys before the
 * telemetry they write to, adapters before Redis and the store. Parts not yet opened (a failed
 * start-up) are skipped.
 */
async function closeResources(
  parts: Partial<Omit<Resources, 'online' | 'evalRuns' | 'loopback'>> & { database: Database },
): Promise<void> {
  await parts.alerts?.stop();
  await parts.drift?.close();
  await parts.retentionJob?.stop();
  await parts.pendingScores?.stop();
  parts.limitStore?.close();
  await parts.keys?.close();
  await parts.telemetry?.close();
  await parts.reviewQueue?.close();
  await parts.guardrails?.close();
  await parts.otlpExport?.close();
  await parts.cache?.close();
  await Promise.allSettled([...(parts.adapters?.values() ?? [])].map((adapter) => adapter.close()));
  await parts.breakers?.close();
  await parts.redis?.close();
  await parts.database.close();
}

interface Resources {
  database: Database;
  redis: RedisStore | null;
  telemetry: BulkWriter;
  /** The guardrails' review queue writer. */
  reviewQueue: BulkWriter<NewReviewItem>;
  guardrails: GuardrailPolicies;
  /** Null when `telemetry.otlp_export` is not configured. */
  otlpExport: OtlpSpanExport | null;
  adapters: Map<string, ProviderAdapter>;
  breakers: BreakerStore;
  keys: KeyDirectory;
  limitStore: LimitStore;
  cache: ResponseCache;
  alerts: AlertEngine;
  drift: Drift;
  retentionJob: RetentionJob;
  /** Attaches scores posted by request id to their trace once it is stored. */
  pendingScores: PeriodicPass;
  /** What online evaluation needs once the server listens (it calls judges through this gateway). */
  online: {
    evaluators: OnlineEvalRepository;
    traces: TraceRepository;
    prices: PriceCatalog;
    scores: ScoreWriter;
  };
  /** Eval runs started through the API; stopped (interrupted, resumable) before the server closes. */
  evalRuns: EvalRunQueue;
  loopback: Loopback;
}

/** The base URL this process serves on over loopback, once listening. */
interface Loopback {
  url: string | undefined;
}

function assemble(
  app: FastifyInstance,
  config: GatehouseConfig,
  resources: Resources,
  prompts: PromptRegistry,
  logger: Logger,
): Gatehouse {
  const { database, redis, telemetry } = resources;
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
      // Runs in flight stop first (their finished items are stored; they resume later), while the
      // gateway they call and the database are still up.
      await resources.evalRuns.stop();
      const started = await online;
      await started?.evaluation.stop();
      await started?.client.close();
      await app.close();
    } finally {
      clearTimeout(deadline);
      await closeResources(resources);
    }
  }

  /**
   * Online evaluators grade with judges called through this gateway, over loopback. Their code (the
   * graders, judges, ajv) loads here, not at start-up.
   */
  async function startOnline(
    address: string,
  ): Promise<{ evaluation: OnlineEvaluation; client: GatewayClient }> {
    const { startOnlineEvaluation } = await import('./evals/online/online-evaluation.js');
    const masterKey = config.auth.master_key;
    const client = createGatewayClient({
      baseUrl: loopbackOrigin(address),
      prices: resources.online.prices,
      connections: 8,
      ...(masterKey === undefined ? {} : { apiKey: masterKey }),
    });
    const evaluation = startOnlineEvaluation({
      evaluators: resources.online.evaluators,
      traces: resources.online.traces,
      scores: resources.online.scores,
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
    prompts,
    async listen() {
      const address = await app.listen({ host: config.server.host, port: config.server.port });
      resources.loopback.url = loopbackOrigin(address);
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

/** Where this process answers itself: a wildcard bind is reachable on loopback, a specific interface on its own address. */
function loopbackOrigin(address: string): string {
  const url = new URL(address);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return url.origin;
}
