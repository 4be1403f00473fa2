/**
 * Builds the telemetry records of one request: the trace row, the root span, and one observation per
 * upstream attempt with its latency, time to first token, tokens and cost.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { ChatCompletion, EmbeddingsResponse, Usage } from '../providers/canonical.js';
import { UpstreamCallError } from '../providers/shared/upstream-error.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import {
  countEmbeddingInputTokens,
  countRequestTokens,
  countTextTokens,
  messageText,
} from '../usage/count-tokens.js';
import type { ObservationRecord, TokenUsage, TraceEvent, TraceStatus } from '../telemetry/model.js';
import { newSpanId } from '../telemetry/ids.js';
import type { AttemptStart, RequestContext } from './context.js';

export interface Outcome {
  status: TraceStatus;
  error?: unknown;
  /** The answer, complete or (for a broken or cancelled stream) as far as it got. */
  completion?: ChatCompletion;
  embeddings?: EmbeddingsResponse;
  /** Monotonic time the first chunk reached the gateway (streams). */
  firstChunkMark?: number | null;
}

export interface TraceOptions {
  prices: PriceCatalog;
  captureContent: boolean;
}

export function failedAttemptObservation(
  context: RequestContext,
  attempt: AttemptStart,
  error: UpstreamCallError,
): ObservationRecord {
  return attemptObservation(context, attempt, performance.now(), {
    status: 'error',
    httpStatus: error.status ?? null,
    ttftMs: null,
    usage: null,
    cost: null,
    errorMessage: error.message,
    attributes: {
      failure: error.kind,
      retryable: error.isRetryable,
      ...(error.providerCode === undefined ? {} : { providerCode: error.providerCode }),
    },
  });
}

/**
 * The shadow call of a mirrored request: an attempt observation marked `shadow`, with the shadow's
 * answer (when content capture is on) next to the primary's for later comparison.
 */
export function shadowObservation(
  context: RequestContext,
  attempt: AttemptStart,
  outcome: { completion: ChatCompletion } | { error: unknown },
  options: TraceOptions,
): ObservationRecord {
  const endMark = performance.now();
  if ('error' in outcome) {
    const error = outcome.error;
    return attemptObservation(context, attempt, endMark, {
      status: 'error',
      httpStatus: UpstreamCallError.isInstance(error) ? (error.status ?? null) : null,
      ttftMs: null,
      usage: null,
      cost: null,
      errorMessage: error instanceof Error ? error.message : String(error),
      attributes: { shadow: true },
    });
  }
  return completedAttemptObservation(context, attempt, outcome.completion, { shadow: true }, options);
}

/**
 * An attempt that answered but whose answer is not the one the client gets (a shadow's, or one the
 * guardrails discarded to re-ask or fall back): its tokens and cost, why it was set aside, and the
 * answer when content capture is on.
 */
export function completedAttemptObservation(
  context: RequestContext,
  attempt: AttemptStart,
  completion: ChatCompletion,
  attributes: Record<string, unknown>,
  options: TraceOptions,
): ObservationRecord {
  const usage = completion.usage === undefined ? null : reportedUsage(completion.usage);
  return attemptObservation(context, attempt, performance.now(), {
    status: 'ok',
    httpStatus: 200,
    ttftMs: null,
    usage,
    cost: usage === null ? null : options.prices.cost(attempt.target.adapter.id, attempt.target.model, usage),
    errorMessage: null,
    attributes: {
      ...attributes,
      responseModel: completion.model,
      ...(options.captureContent ? { output: completion.choices.map((choice) => choice.message) } : {}),
    },
  });
}

/** One upstream attempt as an observation: a child of the request span, named provider/model. */
function attemptObservation(
  context: RequestContext,
  attempt: AttemptStart,
  endMark: number,
  outcome: Pick<
    ObservationRecord,
    'status' | 'httpStatus' | 'ttftMs' | 'usage' | 'cost' | 'errorMessage' | 'attributes'
  >,
): ObservationRecord {
  const latencyMs = endMark - attempt.startMark;
  return {
    id: attempt.spanId,
    traceId: context.traceId,
    parentId: context.rootSpanId,
    type: context.kind === 'chat' ? 'generation' : 'embedding',
    name: `${attempt.target.adapter.id}/${attempt.target.model}`,
    startTime: attempt.startTime,
    endTime: attempt.startTime + latencyMs,
    latencyMs,
    provider: attempt.target.adapter.id,
    model: attempt.target.model,
    ...outcome,
    attributes: {
      providerType: attempt.target.adapter.type,
      routedModel: attempt.group,
      attempt: attempt.attempt,
      ...outcome.attributes,
    },
  };
}

/**
 * The routing story of a request for its root span: the plan's decisions (complexity, split, canary,
 * shadow), the fallback chain, and what happened besides attempts (skips, retry waits, breaker trips).
 */
function routingAttributes(context: RequestContext): Record<string, unknown> {
  const plan = context.route;
  if (plan === null) return {};
  if (plan.decisions.length === 0 && context.routingEvents.length === 0 && plan.chain.length === 1) return {};
  return {
    routing: {
      route: plan.name,
      chain: plan.chain.map((group) => group.name),
      decisions: plan.decisions,
      events: context.routingEvents,
    },
  };
}

/** Events worth their own observation (a canary rollback), so they are found without reading attributes. */
function eventObservations(context: RequestContext): ObservationRecord[] {
  const events: ObservationRecord[] = [];
  for (const event of context.routingEvents) {
    if (event.kind !== 'canary-rollback') continue;
    const time = context.startTime + event.atMs;
    events.push({
      id: newSpanId(),
      traceId: context.traceId,
      parentId: context.rootSpanId,
      type: 'event',
      name: 'routing.canary_rollback',
      startTime: time,
      endTime: time,
      latencyMs: 0,
      ttftMs: null,
      provider: null,
      model: event.target,
      status: 'ok',
      httpStatus: null,
      usage: null,
      cost: null,
      errorMessage: null,
      attributes: { ...event },
    });
  }
  return events;
}

export function buildTraceEvent(
  context: RequestContext,
  outcome: Outcome,
  options: TraceOptions,
): TraceEvent {
  const endMark = performance.now();
  const durationMs = endMark - context.startMark;
  const attempt = context.answeringAttempt;
  const usage = attempt === null ? null : usageOf(context, outcome);
  const model = attempt?.target.model ?? null;
  const cost =
    attempt === null || usage === null
      ? null
      : options.prices.cost(attempt.target.adapter.id, attempt.target.model, usage);
  const error = outcome.error;
  const gatewayError = GatewayError.isInstance(error) ? error : undefined;
  const httpStatus =
    outcome.status === 'ok' ? 200 : outcome.status === 'cancelled' ? 499 : (gatewayError?.status ?? 500);
  const errorMessage =
    error === undefined ? null : error instanceof Error ? error.message : JSON.stringify(error);
  const firstChunkMark = outcome.firstChunkMark ?? attempt?.firstChunkMark ?? null;
  const metadata = traceMetadata(context);

  const observations: ObservationRecord[] = [
    {
      id: context.rootSpanId,
      traceId: context.traceId,
      parentId: context.parentSpanId,
      type: 'span',
      name: context.endpoint,
      startTime: context.startTime,
      endTime: context.startTime + durationMs,
      latencyMs: durationMs,
      ttftMs: firstChunkMark === null ? null : firstChunkMark - context.startMark,
      provider: attempt?.target.adapter.id ?? null,
      model: context.request.model,
      status: outcome.status,
      httpStatus,
      usage,
      cost,
      errorMessage,
      attributes: { requestId: context.requestId, ...routingAttributes(context) },
    },
    ...context.failedAttempts,
    ...eventObservations(context),
    ...context.stageObservations,
  ];
  if (attempt !== null) {
    observations.push(
      attemptObservation(context, attempt, endMark, {
        status: outcome.status,
        httpStatus: outcome.status === 'ok' ? 200 : null,
        ttftMs: firstChunkMark === null ? null : firstChunkMark - attempt.startMark,
        usage,
        cost,
        errorMessage,
        attributes: { responseModel: responseModel(outcome) },
      }),
    );
  }

  return {
    trace: {
      id: context.traceId,
      requestId: context.requestId,
      startTime: context.startTime,
      endTime: context.startTime + durationMs,
      durationMs,
      endpoint: context.endpoint,
      model: context.request.model,
      provider: context.target?.adapter.id ?? null,
      providerType: context.target?.adapter.type ?? null,
      upstreamModel: model ?? context.target?.model ?? null,
      status: outcome.status,
      httpStatus,
      stream: context.kind === 'chat' && context.request.stream === true,
      user: typeof context.request.user === 'string' ? context.request.user : null,
      usage: usage ?? emptyUsage,
      cost,
      ttftMs: firstChunkMark === null ? null : firstChunkMark - context.startMark,
      errorType: gatewayError?.publicCode ?? (error === undefined ? null : 'internal_error'),
      errorMessage,
      metadata,
      input: options.captureContent ? inputOf(context) : null,
      output: options.captureContent ? outputOf(outcome) : null,
      warnings: context.warnings,
      tenantId: context.tenancy?.tenantId ?? null,
      projectId: context.tenancy?.projectId ?? null,
      keyId: context.tenancy?.keyId ?? null,
      source: 'gateway',
      name: null,
      sessionId: metadata?.session_id ?? null,
      tags: tagsOf(metadata?.tags),
      prompt: context.kind === 'chat' ? context.prompt : null,
    },
    observations,
  };
}

/** The request's metadata over the key's default metadata (tenant < project < key < request). */
function traceMetadata(context: RequestContext): Record<string, string> | null {
  const requested = context.kind === 'chat' ? (context.request.metadata ?? null) : null;
  const defaults = context.tenancy?.policy?.defaultMetadata;
  if (defaults === undefined || Object.keys(defaults).length === 0) return requested;
  return { ...defaults, ...requested };
}

const emptyUsage: TokenUsage = {
  inputTokens: null,
  outputTokens: null,
  totalTokens: null,
  cachedInputTokens: null,
  estimated: false,
};

/** Provider-reported usage first; otherwise counted with the tokenizer and marked estimated. */
function usageOf(context: RequestContext, outcome: Outcome): TokenUsage | null {
  const reported: Usage | undefined = outcome.completion?.usage ?? undefined;
  if (reported) return reportedUsage(reported);
  if (outcome.embeddings?.usage) {
    const { prompt_tokens, total_tokens } = outcome.embeddings.usage;
    return {
      inputTokens: prompt_tokens,
      outputTokens: 0,
      totalTokens: total_tokens,
      cachedInputTokens: null,
      estimated: false,
    };
  }
  if (context.kind === 'embeddings') {
    if (outcome.status === 'error') return null;
    const inputTokens = countEmbeddingInputTokens(context.request);
    return {
      inputTokens,
      outputTokens: 0,
      totalTokens: inputTokens,
      cachedInputTokens: null,
      estimated: true,
    };
  }
  if (outcome.completion === undefined) return null;
  const inputTokens = countRequestTokens(context.request);
  let outputTokens = 0;
  for (const choice of outcome.completion.choices) {
    outputTokens += countTextTokens(messageText(choice.message));
    for (const call of choice.message.tool_calls ?? []) {
      outputTokens += countTextTokens(call.function.name) + countTextTokens(call.function.arguments);
    }
  }
  return {
    inputTokens,
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    cachedInputTokens: null,
    estimated: true,
  };
}

function reportedUsage(reported: Usage): TokenUsage {
  return {
    inputTokens: reported.prompt_tokens,
    outputTokens: reported.completion_tokens,
    totalTokens: reported.total_tokens,
    cachedInputTokens: reported.prompt_tokens_details?.cached_tokens ?? null,
    estimated: false,
  };
}

function inputOf(context: RequestContext): unknown {
  if (context.kind === 'embeddings') return context.request.input;
  const { messages, tools } = context.request;
  return tools === undefined ? { messages } : { messages, tools };
}

function outputOf(outcome: Outcome): unknown {
  if (outcome.completion) return outcome.completion.choices.map((choice) => choice.message);
  if (outcome.embeddings) {
    const first = outcome.embeddings.data[0]?.embedding;
    return { count: outcome.embeddings.data.length, dimensions: Array.isArray(first) ? first.length : null };
  }
  return null;
}

function responseModel(outcome: Outcome): string | null {
  return outcome.completion?.model ?? outcome.embeddings?.model ?? null;
}

/** `metadata.tags` is a comma-separated list (OpenAI metadata values are strings). */
function tagsOf(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}
