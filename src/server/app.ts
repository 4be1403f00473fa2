/**
 * HTTP wiring only: Fastify with strict JSON parsing, master-key auth, one error handler, and the
 * routes. Everything the routes do is passed in; nothing here knows a provider or a store engine.
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Pipeline } from '../gateway/pipeline.js';
import type { ModelRouter } from '../gateway/resolve-route.js';
import type { TraceRepository } from '../storage/trace-repository.js';
import { installJsonBodyParser } from './body-parser.js';
import { installMasterKeyAuth } from './auth.js';
import { installErrorHandling } from './error-handler.js';
import { registerChatCompletionsRoute } from './routes/chat-completions.js';
import { registerEmbeddingsRoute } from './routes/embeddings.js';
import { registerMessagesRoute } from './routes/messages.js';
import { registerModelsRoutes } from './routes/models.js';
import { registerHealthRoutes } from './routes/health.js';
import type { ReadinessProbe } from './routes/health.js';
import { registerTraceRoutes } from './routes/traces.js';
import { registerDatasetRoutes } from './routes/datasets.js';
import { registerEvalRunRoutes } from './routes/eval-runs.js';
import { registerOnlineEvaluatorRoutes } from './routes/online-evaluators.js';
import type { DatasetRepository } from '../storage/dataset-repository.js';
import type { EvalRunRepository } from '../storage/eval-run-repository.js';
import type { OnlineEvalRepository } from '../storage/online-eval-repository.js';

export interface ServerDependencies {
  pipeline: Pipeline;
  router: ModelRouter;
  traces: TraceRepository;
  /** Datasets, eval runs and online evaluators (`/api/datasets`, `/api/eval-runs`, `/api/online-evaluators`). */
  evals: { datasets: DatasetRepository; runs: EvalRunRepository; online: OnlineEvalRepository };
  readiness: ReadinessProbe;
  masterKey: string | undefined;
  bodyLimitBytes: number;
  logger: FastifyBaseLogger;
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
  installMasterKeyAuth(app, dependencies.masterKey);

  registerChatCompletionsRoute(app, dependencies.pipeline);
  registerMessagesRoute(app, dependencies.pipeline);
  registerEmbeddingsRoute(app, dependencies.pipeline);
  registerModelsRoutes(app, dependencies.router);
  registerHealthRoutes(app, dependencies.readiness);
  registerTraceRoutes(app, dependencies.traces);
  registerDatasetRoutes(app, dependencies.evals.datasets, dependencies.traces);
  registerEvalRunRoutes(app, dependencies.evals.runs);
  registerOnlineEvaluatorRoutes(app, dependencies.evals.online);
  return app;
}
