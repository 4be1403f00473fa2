/**
 * A recorded gateway request as OpenTelemetry spans: the request span (kind SERVER, a child of the
 * caller's span when the request carried `traceparent`, so it joins the app's trace) and one child per
 * observation — upstream attempts as GenAI CLIENT spans, cache lookups, guardrail checks and routing
 * events as INTERNAL ones. Attributes follow the OpenTelemetry GenAI semantic conventions (both the
 * current `gen_ai.provider.name` and the older `gen_ai.system`); what has no convention (cost, tenancy,
 * cache, prompt version) is `gatehouse.*`. No message content is exported: content stays in the store,
 * under its redaction and retention rules.
 */
import { SpanKind, SpanStatusCode, type Attributes, type SpanContext } from '@opentelemetry/api';
import { millisToHrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ObservationRecord, TokenUsage, TraceEvent, TraceStatus } from '../model.js';

/** `gen_ai.provider.name` values of the conventions, where they differ from our provider types. */
const providerNames: Record<string, string> = {
  gemini: 'gcp.gemini',
  azure: 'azure.ai.openai',
};

/** Observation attributes never exported: message content. */
const contentKeys = new Set(['input', 'output', 'messages']);

const sampled = 1;

export function traceToSpans(
  event: TraceEvent,
  resource: Resource,
  scope: InstrumentationScope,
): ReadableSpan[] {
  const { trace } = event;
  const operation = trace.endpoint === 'embeddings' ? 'embeddings' : 'chat';
  const root = rootOf(event);
  const spans: ReadableSpan[] = [];
  for (const observation of event.observations) {
    const isRoot = observation === root;
    const attributes: Attributes = isRoot ? requestAttributes(event, operation) : {};
    let kind = SpanKind.INTERNAL;
    let name = observation.name;
    if (!isRoot) {
      copyPrimitives(observation.attributes, attributes);
      if (observation.type === 'generation' || observation.type === 'embedding') {
        kind = SpanKind.CLIENT;
        name = `${operation} ${observation.model ?? trace.model}`;
        attemptAttributes(observation, operation, attributes);
      } else {
        attributes['gatehouse.observation.type'] = observation.type;
      }
    } else {
      kind = SpanKind.SERVER;
      name = `${operation} ${trace.model}`;
    }
    spans.push(
      readableSpan({
        name,
        kind,
        traceId: observation.traceId,
        spanId: observation.id,
        parentSpanId: observation.parentId,
        // The caller's span lives in another process.
        parentIsRemote: isRoot,
        startTime: observation.startTime,
        endTime: observation.endTime,
        status: observation.status,
        errorMessage: observation.errorMessage,
        attributes,
        resource,
        scope,
      }),
    );
  }
  return spans;
}

/** The request span: the one whose parent is not in the event (none, or the caller's via `traceparent`). */
function rootOf(event: TraceEvent): ObservationRecord | undefined {
  const ids = new Set(event.observations.map((observation) => observation.id));
  return event.observations.find((observation) => !ids.has(observation.parentId ?? ''));
}

function requestAttributes(event: TraceEvent, operation: string): Attributes {
  const { trace } = event;
  const attributes: Attributes = {
    'gen_ai.operation.name': operation,
    'gen_ai.request.model': trace.model,
    'http.response.status_code': trace.httpStatus,
    'gatehouse.request_id': trace.requestId,
    'gatehouse.endpoint': trace.endpoint,
    'gatehouse.status': trace.status,
    'gatehouse.stream': trace.stream,
  };
  if (trace.providerType !== null) setProvider(attributes, trace.providerType);
  if (trace.provider !== null) attributes['gatehouse.provider'] = trace.provider;
  if (trace.upstreamModel !== null) attributes['gen_ai.response.model'] = trace.upstreamModel;
  setUsage(attributes, trace.usage);
  if (trace.cost !== null) attributes['gatehouse.cost_usd'] = trace.cost;
  if (trace.ttftMs !== null) attributes['gatehouse.ttft_ms'] = trace.ttftMs;
  if (trace.errorType !== null) attributes['error.type'] = trace.errorType;
  if (trace.tenantId !== null) attributes['gatehouse.tenant_id'] = trace.tenantId;
  if (trace.projectId !== null) attributes['gatehouse.project_id'] = trace.projectId;
  if (trace.keyId !== null) attributes['gatehouse.key_id'] = trace.keyId;
  if (trace.cacheHit !== undefined && trace.cacheHit !== null)
    attributes['gatehouse.cache_hit'] = trace.cacheHit;
  if (trace.guardrailTriggered !== undefined && trace.guardrailTriggered !== null)
    attributes['gatehouse.guardrail_triggered'] = trace.guardrailTriggered;
  if (trace.sessionId !== undefined && trace.sessionId !== null)
    attributes['gen_ai.conversation.id'] = trace.sessionId;
  if (trace.prompt !== null) {
    attributes['gatehouse.prompt.name'] = trace.prompt.name;
    attributes['gatehouse.prompt.version'] = trace.prompt.version;
  }
  return attributes;
}

function attemptAttributes(observation: ObservationRecord, operation: string, attributes: Attributes): void {
  attributes['gen_ai.operation.name'] = operation;
  const providerType = observation.attributes.providerType;
  if (typeof providerType === 'string') setProvider(attributes, providerType);
  if (observation.provider !== null) attributes['gatehouse.provider'] = observation.provider;
  if (observation.model !== null) attributes['gen_ai.request.model'] = observation.model;
  const responseModel = observation.attributes.responseModel;
  if (typeof responseModel === 'string') attributes['gen_ai.response.model'] = responseModel;
  if (observation.usage !== null) setUsage(attributes, observation.usage);
  if (observation.cost !== null) attributes['gatehouse.cost_usd'] = observation.cost;
  if (observation.ttftMs !== null) attributes['gatehouse.ttft_ms'] = observation.ttftMs;
  if (observation.httpStatus !== null) attributes['http.response.status_code'] = observation.httpStatus;
  if (observation.status === 'error') attributes['error.type'] = errorType(observation);
}

function errorType(observation: ObservationRecord): string {
  const failure = observation.attributes.failure;
  if (typeof failure === 'string') return failure;
  return observation.httpStatus === null ? 'error' : String(observation.httpStatus);
}

function setProvider(attributes: Attributes, providerType: string): void {
  const name = providerNames[providerType] ?? providerType;
  attributes['gen_ai.provider.name'] = name;
  attributes['gen_ai.system'] = name;
}

function setUsage(attributes: Attributes, usage: TokenUsage): void {
  if (usage.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = usage.inputTokens;
  if (usage.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = usage.outputTokens;
  if (usage.cachedInputTokens !== null)
    attributes['gen_ai.usage.cache_read.input_tokens'] = usage.cachedInputTokens;
  if (usage.estimated) attributes['gatehouse.usage.estimated'] = true;
}

/** An observation's own attributes as `gatehouse.<key>`: scalars only (structures and content stay home). */
function copyPrimitives(source: Record<string, unknown>, target: Attributes): void {
  for (const [key, value] of Object.entries(source)) {
    if (contentKeys.has(key)) continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      target[`gatehouse.${key}`] = value;
    }
  }
}

interface SpanParts {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  parentIsRemote: boolean;
  startTime: number;
  endTime: number;
  status: TraceStatus;
  errorMessage: string | null;
  attributes: Attributes;
  resource: Resource;
  scope: InstrumentationScope;
}

function readableSpan(parts: SpanParts): ReadableSpan {
  const context: SpanContext = { traceId: parts.traceId, spanId: parts.spanId, traceFlags: sampled };
  const parentSpanContext: SpanContext | undefined =
    parts.parentSpanId === null
      ? undefined
      : {
          traceId: parts.traceId,
          spanId: parts.parentSpanId,
          traceFlags: sampled,
          isRemote: parts.parentIsRemote,
        };
  return {
    name: parts.name,
    kind: parts.kind,
    spanContext: () => context,
    parentSpanContext,
    startTime: millisToHrTime(parts.startTime),
    endTime: millisToHrTime(parts.endTime),
    duration: millisToHrTime(Math.max(0, parts.endTime - parts.startTime)),
    status:
      parts.status === 'error'
        ? {
            code: SpanStatusCode.ERROR,
            ...(parts.errorMessage === null ? {} : { message: parts.errorMessage }),
          }
        : { code: SpanStatusCode.UNSET },
    attributes: parts.attributes,
    links: [],
    events: [],
    ended: true,
    resource: parts.resource,
    instrumentationScope: parts.scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
