/**
 * HTTP wiring only: Fastify with strict JSON parsing, key authentication, one error handler, and the
 * routes. Everything the routes do is passed in; nothing here knows a provider or a store engine.
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../gateway/pipeline.js';
import type { ModelRouter } from '../gateway/resolve-route.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { TraceRepository } from '../storage/trace-repository.js';
import { installJsonBodyParser } from './body-parser.js';
import { installAuthentication } from './auth.js';
import type { KeyDirectory } from '../tenancy/key-directory.js';
import type { TenancyService } from '../tenancy/tenancy-service.js';
import type { AuditLog } from '../tenancy/audit-log.js';
import type { SpendQuery, SpendRow } from '../storage/spend-repository.js';
import { registerTenancyRoutes } from './routes/tenancy.js';
import { registerSpendRoute } from './routes/spend.js';
import { registerAuditRoute } from './routes/audit.js';
import { installErrorHandling } from './error-handler.js';
import { registerChatCompletionsRoute } from './routes/chat-completions.js';
import { registerEmbeddingsRoute } from './routes/embeddings.js';
import { registerMessagesRoute } from './routes/messages.js';
import { registerModelsRoutes } from './routes/models.js';
import { registerHealthRoutes } from './routes/health.js';
import type { ReadinessProbe } from './routes/health.js';
import { registerTraceRoutes } from './routes/traces.js';
import { registerRoutingHealthRoute } from './routes/routing-health.js';
import { registerGuardrailRoutes } from './routes/guardrails.js';
import { registerGuardrailReviewRoutes } from './routes/guardrail-review.js';
import type { GuardrailReviewRepository } from '../storage/guardrail-review-repository.js';
import type { GuardrailPolicies } from '../guardrails/policy/guardrail-policies.js';
import type { CompleteText } from '../guardrails/judge/llm-judge.js';
import { registerCacheRoutes } from './routes/cache.js';
import type { GatewayMetrics } from '../telemetry/metrics.js';
import type { Ingestion } from '../telemetry/otlp-ingest/ingest.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { registerIngestionRoutes } from './routes/otlp-traces.js';
import { registerAnalyticsRoutes } from './routes/analytics.js';
import type { TraceAnalytics } from '../storage/trace-analytics.js';
import type { AlertRepository } from '../storage/alert-repository.js';
import type { AlertEngine } from '../telemetry/alerts/alert-engine.js';
import { registerAlertRoutes } from './routes/alerts.js';
import { registerDriftRoutes } from './routes/drift.js';
import type { DriftReporter } from '../telemetry/drift/drift-reports.js';
import type { DriftMonitor } from '../config/drift-monitor.js';
import type { TraceRetention } from '../storage/trace-retention.js';
import { registerUserDataRoutes } from './routes/user-data.js';
import type { PromptRegistry } from '../prompts/registry.js';
import type { ExperimentService } from '../prompts/experiments.js';
import type { ScoreRepository } from '../telemetry/score-repository.js';
import { registerPromptRoutes } from './routes/prompts.js';
import { registerPromptExperimentRoutes } from './routes/prompt-experiments.js';
import { registerScoreRoutes } from './routes/scores.js';
import { registerDatasetRoutes } from './routes/datasets.js';
import { registerEvalRunRoutes, type EvalRunRoutesDependencies } from './routes/eval-runs.js';
import { registerOnlineEvaluatorRoutes } from './routes/online-evaluators.js';
import type { OnlineEvalRepository } from '../storage/online-eval-repository.js';

export interface ServerDependencies {
  pipeline: Pipeline;
  router: ModelRouter;
  traces: TraceRepository;
  cache: ResponseCache;
  prompts: { registry: PromptRegistry; experiments: ExperimentService };
  scores: ScoreRepository;
  /** Datasets, eval runs and online evaluators (`/api/datasets`, `/api/eval-runs`, `/api/online-evaluators`). */
  evals: EvalRunRoutesDependencies & { online: OnlineEvalRepository };
  readiness: ReadinessProbe;
  masterKey: string | undefined;
  keys: KeyDirectory;
  tenancy: TenancyService;
  audit: AuditLog;
  querySpend: (query: SpendQuery) => Promise<SpendRow[]>;
  bodyLimitBytes: number;
  logger: FastifyBaseLogger;
  /** The compiled guardrail policies and the model caller their judges use. */
  guardrails: { policies: GuardrailPolicies; complete: CompleteText; review: GuardrailReviewRepository };
  metrics: GatewayMetrics;
  ingestion: Ingestion;
  analytics: TraceAnalytics;
  alerts: { engine: AlertEngine; repository: AlertRepository };
  /** `GET /api/drift`: the reporter, the configured monitors, and the clock windows end at. */
  drift: { reporter: DriftReporter; monitors: readonly DriftMonitor[]; now: () => number };
  userData: { retention: TraceRetention; flushTelemetry: () => Promise<void> };
}

const requestIdPattern = /^[\w.:-]{1,128}$/;

export function buildServer(dependencies: ServerDependencies): FastifyInstance {
  const app = Fastify({
    loggerInstance: dependencies.logger,
    // Per-request log lines cost more than the gateway's own work; traces record every request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: dependencies.bodyLimitBytes,
    // A caller's own request id is kept (when sane) so its logs and ours line up.
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming)
        ? incoming
        : `req_${randomUUID()}`;
    },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  installJsonBodyParser(app);
  installErrorHandling(app);
  installAuthentication(app, { masterKey: dependencies.masterKey, directory: dependencies.keys });

  registerChatCompletionsRoute(app, dependencies.pipeline);
  registerMessagesRoute(app, dependencies.pipeline);
  registerEmbeddingsRoute(app, dependencies.pipeline);
  registerModelsRoutes(app, dependencies.router);
  registerHealthRoutes(app, dependencies.readiness);
  registerTraceRoutes(app, dependencies.traces);
  registerRoutingHealthRoute(app, dependencies.router);
  registerGuardrailRoutes(app, dependencies.guardrails.policies, dependencies.guardrails.complete);
  registerGuardrailReviewRoutes(app, dependencies.guardrails.review);
  registerTenancyRoutes(app, dependencies.tenancy);
  registerSpendRoute(app, dependencies.querySpend);
  registerAuditRoute(app, dependencies.audit);
  registerCacheRoutes(app, dependencies.cache);
  registerMetricsRoute(app, dependencies.metrics);
  registerIngestionRoutes(app, dependencies.ingestion);
  registerAnalyticsRoutes(app, dependencies.analytics, dependencies.traces);
  registerAlertRoutes(app, dependencies.alerts.engine, dependencies.alerts.repository);
  registerDriftRoutes(app, dependencies.drift.reporter, dependencies.drift.monitors, dependencies.drift.now);
  registerUserDataRoutes(app, dependencies.userData.retention, dependencies.userData.flushTelemetry);
  registerPromptRoutes(app, dependencies.prompts.registry);
  registerPromptExperimentRoutes(app, dependencies.prompts.experiments);
  registerScoreRoutes(app, dependencies.scores);
  registerDatasetRoutes(app, dependencies.evals.datasets, dependencies.traces);
  registerEvalRunRoutes(app, dependencies.evals);
  registerOnlineEvaluatorRoutes(app, dependencies.evals.online);
  return app;
}
