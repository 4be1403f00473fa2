/**
 * Turns ingested spans into telemetry events, one per trace: an observation per span, stored at once,
 * with its cost priced from the catalog when the app did not report one; and a trace row when the
 * trace's root span arrives. The row sums the trace's generations (tokens, cost) and takes its model
 * from the first of them, so the trace list shows app traces like gateway ones.
 *
 * Exporters send spans as they end, children before their root, often in separate requests
 * (SimpleSpanProcessor sends one span per request). So the spans of a trace whose root has not arrived
 * are remembered — a bounded number of traces, for a bounded time — and summed when it does. A child
 * ending after its root is stored but not summed into the row; a trace whose root was already written
 * (by the gateway the app called with `traceparent`) keeps that row: rows are immutable.
 */
import type { PriceCatalog } from '../../usage/price-catalog.js';
import type { ObservationRecord, TelemetryEvent, TokenUsage, TraceRecord } from '../model.js';
import type { IngestedSpan } from './ingested-span.js';

export interface SpanConversionOptions {
  prices: PriceCatalog;
  /** False keeps metadata only: inputs and outputs are dropped before storage. */
  captureContent: boolean;
  /** The trace source recorded on trace rows. */
  source: 'otlp' | 'api';
  /** Who sent the spans: the tenant, project and key the trace belongs to (scopes every query). */
  owner: TraceOwner;
}

export interface TraceOwner {
  tenantId: string;
  projectId: string;
  keyId: string | null;
}

export interface TraceAssemblerOptions {
  /** How long the spans of a trace wait for its root (default 5 minutes). */
  retainMs?: number;
  /** Most traces waiting for their root; the oldest are forgotten first (default 10,000). */
  maxTraces?: number;
  /** Most spans remembered per waiting trace (default 1,000). */
  maxSpansPerTrace?: number;
}

export interface TraceAssembler {
  /** The events to store for a batch of spans (one per trace in it). */
  assemble(spans: IngestedSpan[], options: SpanConversionOptions): TelemetryEvent[];
}

interface Waiting {
  seenAt: number;
  spans: IngestedSpan[];
  observations: ObservationRecord[];
}

export function createTraceAssembler(options: TraceAssemblerOptions = {}): TraceAssembler {
  const retainMs = options.retainMs ?? 300_000;
  const maxTraces = options.maxTraces ?? 10_000;
  const maxSpansPerTrace = options.maxSpansPerTrace ?? 1_000;
  // Insertion order is arrival order: an updated trace is moved to the end.
  const waiting = new Map<string, Waiting>();

  function forgetExpired(now: number): void {
    for (const [traceId, entry] of waiting) {
      if (now - entry.seenAt <= retainMs && waiting.size <= maxTraces) break;
      waiting.delete(traceId);
    }
  }

  function assemble(spans: IngestedSpan[], conversion: SpanConversionOptions): TelemetryEvent[] {
    const now = Date.now();
    const events: TelemetryEvent[] = [];
    for (const group of groupByTrace(spans)) {
      const observations = group.map((span) => toObservation(span, conversion));
      const traceId = group[0]!.traceId;
      const earlier = waiting.get(traceId);
      waiting.delete(traceId);
      const root = group.find((span) => span.parentSpanId === null);
      if (root !== undefined) {
        const allSpans = earlier === undefined ? group : [...earlier.spans, ...group];
        const allObservations =
          earlier === undefined ? observations : [...earlier.observations, ...observations];
        events.push({ trace: toTrace(root, allSpans, allObservations, conversion), observations });
        continue;
      }
      const entry = earlier ?? { seenAt: now, spans: [], observations: [] };
      entry.seenAt = now;
      const room = maxSpansPerTrace - entry.spans.length;
      entry.spans.push(...group.slice(0, room));
      entry.observations.push(...observations.slice(0, room));
      waiting.set(traceId, entry);
      events.push({ trace: null, observations });
    }
    forgetExpired(now);
    return events;
  }

  return { assemble };
}

function groupByTrace(spans: IngestedSpan[]): IngestedSpan[][] {
  const byTrace = new Map<string, IngestedSpan[]>();
  for (const span of spans) {
    const group = byTrace.get(span.traceId);
    if (group === undefined) byTrace.set(span.traceId, [span]);
    else group.push(span);
  }
  return [...byTrace.values()];
}

function toObservation(span: IngestedSpan, options: SpanConversionOptions): ObservationRecord {
  const attributes: Record<string, unknown> = { ...span.attributes };
  if (options.captureContent) {
    if (span.input !== null && span.input !== undefined) attributes.input = span.input;
    if (span.output !== null && span.output !== undefined) attributes.output = span.output;
  }
  if (span.userId !== null) attributes.userId = span.userId;
  if (span.sessionId !== null) attributes.sessionId = span.sessionId;
  return {
    id: span.spanId,
    traceId: span.traceId,
    parentId: span.parentSpanId,
    type: span.type,
    name: span.name,
    startTime: span.startTime,
    endTime: span.endTime,
    latencyMs: span.endTime - span.startTime,
    ttftMs: span.ttftMs,
    provider: span.provider,
    model: span.model,
    status: span.status,
    httpStatus: null,
    usage: span.usage,
    cost: costOf(span, options.prices),
    errorMessage: span.errorMessage,
    attributes,
  };
}

function costOf(span: IngestedSpan, prices: PriceCatalog): number | null {
  if (span.reportedCost !== null) return span.reportedCost;
  if (span.usage === null || span.model === null) return null;
  return prices.cost(span.provider ?? '', span.model, span.usage);
}

function toTrace(
  root: IngestedSpan,
  group: IngestedSpan[],
  observations: ObservationRecord[],
  options: SpanConversionOptions,
): TraceRecord {
  const generations = observations.filter(
    (observation) => observation.type === 'generation' || observation.type === 'embedding',
  );
  const first = generations[0];
  const usage = sumUsage(generations.map((observation) => observation.usage));
  const costs = generations.map((observation) => observation.cost).filter((cost) => cost !== null);
  const failed = group.find((span) => span.status === 'error');
  const status = root.status === 'error' || failed !== undefined ? 'error' : 'ok';
  const withContent = first === undefined ? root : (group.find((span) => span.spanId === first.id) ?? root);
  const durationMs = root.endTime - root.startTime;
  return {
    id: root.traceId,
    requestId: root.spanId,
    startTime: root.startTime,
    endTime: root.endTime,
    durationMs,
    endpoint: options.source,
    model: root.model ?? first?.model ?? '',
    provider: root.provider ?? first?.provider ?? null,
    providerType: null,
    upstreamModel: null,
    status,
    // No HTTP exchange behind an app's span.
    httpStatus: 0,
    stream: false,
    user: root.userId ?? firstOf(group, (span) => span.userId),
    usage,
    cost: costs.length === 0 ? null : costs.reduce((sum, cost) => sum + cost, 0),
    ttftMs: root.ttftMs ?? first?.ttftMs ?? null,
    errorType: status === 'error' ? 'app_error' : null,
    errorMessage: root.errorMessage ?? failed?.errorMessage ?? null,
    metadata: null,
    input: options.captureContent ? (root.input ?? withContent.input ?? null) : null,
    output: options.captureContent ? (root.output ?? withContent.output ?? null) : null,
    warnings: [],
    source: options.source,
    tenantId: options.owner.tenantId,
    projectId: options.owner.projectId,
    keyId: options.owner.keyId,
    prompt: null,
    name: root.name,
    sessionId: root.sessionId ?? firstOf(group, (span) => span.sessionId),
    tags: [...new Set(group.flatMap((span) => span.tags))],
  };
}

function firstOf(group: IngestedSpan[], pick: (span: IngestedSpan) => string | null): string | null {
  for (const span of group) {
    const value = pick(span);
    if (value !== null) return value;
  }
  return null;
}

function sumUsage(usages: (TokenUsage | null)[]): TokenUsage {
  const total: TokenUsage = {
    inputTokens: null,
    outputTokens: null,
    totalTokens: null,
    cachedInputTokens: null,
    estimated: false,
  };
  for (const usage of usages) {
    if (usage === null) continue;
    total.inputTokens = add(total.inputTokens, usage.inputTokens);
    total.outputTokens = add(total.outputTokens, usage.outputTokens);
    total.totalTokens = add(total.totalTokens, usage.totalTokens);
    total.cachedInputTokens = add(total.cachedInputTokens, usage.cachedInputTokens);
    total.estimated ||= usage.estimated;
  }
  return total;
}

function add(sum: number | null, value: number | null): number | null {
  return value === null ? sum : (sum ?? 0) + value;
}
