/**
 * Prometheus metrics (`GET /metrics`): one prom-client registry holding the gateway's request
 * metrics, fed from every recorded trace (`record`, a `TelemetrySink`), the telemetry writer's health,
 * and a small typed API for the features that count things of their own (cache, guardrails, rate
 * limits, circuit breakers, OTLP ingestion, alerts). Metric names and labels are listed in
 * docs/observability.md.
 *
 * Label cardinality stays bounded: a model or provider label takes at most `maxLabelValues` distinct
 * values (then `other`), because clients choose model names and a wildcard route passes any suffix.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BulkWriterStats } from './bulk-writer.js';
import type { TelemetrySink, TraceEvent } from './model.js';

export interface MetricsOptions {
  /** Most distinct values per model / provider label (default 200). */
  maxLabelValues?: number;
  /** Node process metrics (CPU, memory, event-loop lag, GC); default true. */
  processMetrics?: boolean;
}

export type CacheLookupResult = 'hit' | 'miss' | 'error';
export type GuardrailAction = 'pass' | 'skipped' | 'block' | 'mask' | 'flag' | 'reask' | 'fallback' | 'error';
export type RateLimitKind = 'requests' | 'tokens' | 'concurrency' | 'budget';
export type BreakerState = 'closed' | 'half-open' | 'open';

/** Who a rate-limit refusal is counted against: ids from the config or API, never an end user. */
export interface RateLimitSubject {
  /** The level whose limit refused: key, project or tenant. */
  level: string;
  tenantId: string;
  keyId: string | null;
}

const breakerStateValue: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
const breakerStateLabel: Record<BreakerState, string> = {
  closed: 'closed',
  'half-open': 'half_open',
  open: 'open',
};

export interface GatewayMetrics extends TelemetrySink {
  registry: Registry;
  /** Prometheus text exposition of every metric. */
  render(): Promise<string>;
  /** Content type of `render()`'s output. */
  contentType: string;
  /** A lookup in the response cache (`kind`: exact or semantic). */
  cacheLookup(kind: 'exact' | 'semantic', result: CacheLookupResult): void;
  /** A guardrail verdict (`policy` and `check` are configured names: bounded by the config). */
  guardrailCheck(stage: 'input' | 'output', policy: string, check: string, action: GuardrailAction): void;
  /** A request refused by a rate limit or budget. */
  rateLimitRejection(kind: RateLimitKind, subject: RateLimitSubject): void;
  /** A deployment's (`provider/model`) circuit breaker changed state in this process. */
  breakerTransition(deployment: string, state: BreakerState): void;
  /** Reads every deployment's breaker state at each scrape (open → half-open happens with time). */
  watchBreakers(states: () => Iterable<[deployment: string, state: BreakerState]>): void;
  /** Spans received over OTLP or the JSON batch API. */
  ingestedSpans(result: 'accepted' | 'rejected', count: number): void;
  /** Alert rules currently firing, by rule. */
  alertFiring(rule: string, firing: boolean): void;
  /** Exposes the telemetry writer's queue depth, writes and drops at every scrape. */
  watchWriter(stats: () => BulkWriterStats): void;
  /** Exposes the OTLP span exporter's queue depth, exports and drops at every scrape. */
  watchOtlpExport(stats: () => BulkWriterStats): void;
}

const latencyBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const ttftBuckets = [0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 1, 2, 5, 10];
const defaultMaxLabelValues = 200;

/**
 * @example
 * const metrics = createGatewayMetrics();
 * const sink = teeSinks(writer, metrics); // every recorded trace also updates the counters
 * app.get('/metrics', async (_, reply) => reply.type(metrics.contentType).send(await metrics.render()));
 */
export function createGatewayMetrics(options: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' });
  const bound = boundedLabel(options.maxLabelValues ?? defaultMaxLabelValues);
  const registers = [registry];

  const requests = new Counter({
    name: 'gatehouse_requests_total',
    help: 'Data-plane requests, by endpoint, requested model, answering provider and outcome.',
    labelNames: ['endpoint', 'model', 'provider', 'status'] as const,
    registers,
  });
  const attempts = new Counter({
    name: 'gatehouse_upstream_attempts_total',
    help: 'Calls to upstream providers (retries and fallbacks included), by outcome.',
    labelNames: ['provider', 'model', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'gatehouse_request_duration_seconds',
    help: 'Whole-request latency as the client saw it.',
    labelNames: ['model', 'provider'] as const,
    buckets: latencyBuckets,
    registers,
  });
  const ttft = new Histogram({
    name: 'gatehouse_time_to_first_token_seconds',
    help: 'Time to the first streamed chunk sent to the client.',
    labelNames: ['model', 'provider'] as const,
    buckets: ttftBuckets,
    registers,
  });
  const tokens = new Counter({
    name: 'gatehouse_tokens_total',
    help: 'Tokens, by direction (input, output, cached_input).',
    labelNames: ['model', 'provider', 'direction'] as const,
    registers,
  });
  const cost = new Counter({
    name: 'gatehouse_cost_usd_total',
    help: 'Cost in USD of calls whose model has a known price.',
    labelNames: ['model', 'provider'] as const,
    registers,
  });
  const cacheLookups = new Counter({
    name: 'gatehouse_cache_lookups_total',
    help: 'Response cache lookups, by kind (exact, semantic) and result (hit, miss, error).',
    labelNames: ['kind', 'result'] as const,
    registers,
  });
  const guardrailChecks = new Counter({
    name: 'gatehouse_guardrail_checks_total',
    help: 'Guardrail verdicts, by stage, policy, check and action (pass, skipped, error when the check failed).',
    labelNames: ['stage', 'policy', 'check', 'action'] as const,
    registers,
  });
  const rateLimitRejections = new Counter({
    name: 'gatehouse_rate_limit_rejections_total',
    help: 'Requests refused by a rate limit or budget, by kind (requests, tokens, concurrency, budget), the level whose limit refused (key, project, tenant), tenant id and key id.',
    labelNames: ['kind', 'level', 'tenant', 'key'] as const,
    registers,
  });
  const breakerTransitions = new Counter({
    name: 'gatehouse_circuit_breaker_transitions_total',
    help: 'Circuit breaker state changes made by this process, by deployment (provider/model) and new state.',
    labelNames: ['deployment', 'state'] as const,
    registers,
  });
  const spans = new Counter({
    name: 'gatehouse_ingested_spans_total',
    help: 'Spans received from apps (OTLP and JSON batch), accepted or rejected.',
    labelNames: ['result'] as const,
    registers,
  });
  const alertsFiring = new Gauge({
    name: 'gatehouse_alerts_firing',
    help: 'Alert rules currently firing (1) or not (0).',
    labelNames: ['rule'] as const,
    registers,
  });

  function record(event: TraceEvent): void {
    const { trace } = event;
    const model = bound('model', trace.model);
    const provider = bound('provider', trace.provider ?? 'none');
    requests.labels(trace.endpoint, model, provider, trace.status).inc();
    duration.labels(model, provider).observe(trace.durationMs / 1000);
    if (trace.ttftMs !== null) ttft.labels(model, provider).observe(trace.ttftMs / 1000);
    const { inputTokens, outputTokens, cachedInputTokens } = trace.usage;
    if (inputTokens !== null) tokens.labels(model, provider, 'input').inc(inputTokens);
    if (outputTokens !== null) tokens.labels(model, provider, 'output').inc(outputTokens);
    if (cachedInputTokens) tokens.labels(model, provider, 'cached_input').inc(cachedInputTokens);
    if (trace.cost !== null) cost.labels(model, provider).inc(trace.cost);
    for (const observation of event.observations) {
      if (observation.type !== 'generation' && observation.type !== 'embedding') continue;
      attempts
        .labels(
          bound('provider', observation.provider ?? 'none'),
          bound('model', observation.model ?? 'none'),
          observation.status,
        )
        .inc();
    }
  }

  /** A queue's health as four series named `<prefix>_…`, read from its stats at every scrape. */
  function watchQueue(
    stats: () => BulkWriterStats,
    names: { prefix: string; written: string; what: string; failed: string },
  ): void {
    const seen = { written: 0, dropped: 0, failedWrites: 0 };
    const written = new Counter({
      name: `${names.prefix}_${names.written}_total`,
      help: `${names.what} ${names.written}.`,
      registers,
    });
    const dropped = new Counter({
      name: `${names.prefix}_dropped_total`,
      help: `${names.what} lost: queue over its bound, or left at shutdown.`,
      registers,
    });
    const failed = new Counter({
      name: `${names.prefix}_${names.failed}_total`,
      help: `${names.what}: batches that failed (and were retried).`,
      registers,
    });
    // Registered by construction; read at every scrape.
    new Gauge({
      name: `${names.prefix}_queue_depth`,
      help: `${names.what} waiting (the batch in flight included).`,
      registers,
      collect() {
        const current = stats();
        this.set(current.queued);
        // Counters move by the difference since the last scrape: the writer owns the totals.
        written.inc(current.written - seen.written);
        dropped.inc(current.dropped - seen.dropped);
        failed.inc(current.failedWrites - seen.failedWrites);
        seen.written = current.written;
        seen.dropped = current.dropped;
        seen.failedWrites = current.failedWrites;
      },
    });
  }

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    record,
    cacheLookup: (kind, result) => cacheLookups.labels(kind, result).inc(),
    guardrailCheck: (stage, policy, check, action) =>
      guardrailChecks.labels(stage, bound('policy', policy), bound('check', check), action).inc(),
    rateLimitRejection: (kind, subject) =>
      rateLimitRejections
        .labels(
          kind,
          subject.level,
          bound('tenant', subject.tenantId),
          subject.keyId === null ? 'none' : bound('key', subject.keyId),
        )
        .inc(),
    breakerTransition: (deployment, state) =>
      breakerTransitions.labels(bound('deployment', deployment), breakerStateLabel[state]).inc(),
    watchBreakers(states) {
      new Gauge({
        name: 'gatehouse_circuit_breaker_state',
        help: 'Circuit breaker state per deployment (provider/model): 0 closed, 1 half-open, 2 open.',
        labelNames: ['deployment'] as const,
        registers,
        collect() {
          for (const [deployment, state] of states()) {
            this.labels(bound('deployment', deployment)).set(breakerStateValue[state]);
          }
        },
      });
    },
    ingestedSpans: (result, count) => {
      if (count > 0) spans.labels(result).inc(count);
    },
    alertFiring: (rule, firing) => alertsFiring.labels(bound('rule', rule)).set(firing ? 1 : 0),
    watchWriter: (stats) =>
      watchQueue(stats, {
        prefix: 'gatehouse_telemetry',
        written: 'written',
        failed: 'failed_writes',
        what: 'Telemetry events',
      }),
    watchOtlpExport: (stats) =>
      watchQueue(stats, {
        prefix: 'gatehouse_otlp_export',
        written: 'exported',
        failed: 'failed_exports',
        what: 'Requests (as spans) for the OTLP collector',
      }),
  };
}

/** Keeps the first `limit` distinct values of each label; later ones become `other`. */
function boundedLabel(limit: number): (label: string, value: string) => string {
  const seen = new Map<string, Set<string>>();
  return function bound(label, value) {
    let values = seen.get(label);
    if (values === undefined) {
      values = new Set();
      seen.set(label, values);
    }
    if (values.has(value)) return value;
    if (values.size >= limit) return 'other';
    values.add(value);
    return value;
  };
}
