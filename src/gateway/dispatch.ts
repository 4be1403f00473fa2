/**
 * Dispatch: runs the routing plan. Each target group of the chain in turn (the chosen model, then its
 * fallbacks), each group's available targets in strategy order; a target is skipped while its breaker
 * is open, while it is over its RPM/TPM limit, or when the prompt cannot fit its context window. A
 * retryable failure is retried on the same target with backoff (src/routing/retry-policy.ts), then
 * falls over; a context-window overflow (or, when configured, a content-policy refusal) falls over
 * at once; anything else is final. Every attempt becomes an observation of the trace. A stream
 * counts as answered once its first chunk has arrived, so failing over stays invisible to the client;
 * a failure after that ends the stream with an error saying where it broke.
 */
import { setTimeout as wait } from 'node:timers/promises';
import type { ChatCompletionChunk } from '../providers/canonical.js';
import { UpstreamCallError } from '../providers/shared/upstream-error.js';
import { GatewayError } from '../errors/gateway-error.js';
import { newSpanId } from '../telemetry/ids.js';
import { isFilteredAnswer, judgeFailure } from '../routing/failure-policy.js';
import { retryDelay } from '../routing/retry-policy.js';
import type { RoutePlan } from '../routing/route-plan.js';
import { orderTargets } from '../routing/strategies.js';
import type { RoutingTarget, TargetGroup } from '../routing/target.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import type { AttemptStart, ChatContext, EmbeddingsContext, RequestContext } from './context.js';
import type { Stage } from './compose.js';
import { toGatewayError } from './upstream-failure.js';
import { failedAttemptObservation } from './observations.js';
import { createAttemptSignal } from './attempt-signal.js';

export interface DispatchOptions {
  prices: PriceCatalog;
}

type SkipReason = 'circuit-open' | 'rpm' | 'tpm' | 'context-window';

/** What one request's dispatch learned on the way, to build the final error when nothing answered. */
interface DispatchState {
  plan: RoutePlan;
  deadline: number;
  attempts: number;
  lastFailure: UpstreamCallError | undefined;
  skips: Set<SkipReason>;
  /** A complete answer refused on content policy, returned if no later target does better. */
  filtered: { attempt: AttemptStart; result: ChatContext['result'] } | null;
}

type TargetOutcome = 'answered' | 'moved-on';

export const dispatchRequest = (options: DispatchOptions): Stage<RequestContext> =>
  async function dispatchRequest(context, next) {
    const plan = context.route;
    if (plan === null) throw new Error('dispatch runs after resolve');
    const totalMs = plan.policy.timeouts.total_ms;
    const state: DispatchState = {
      plan,
      deadline: totalMs === undefined ? Infinity : context.startMark + totalMs,
      attempts: 0,
      lastFailure: undefined,
      skips: new Set(),
      filtered: null,
    };
    await runChain(context, state, options);
    await next();
  };

async function runChain(
  context: RequestContext,
  state: DispatchState,
  options: DispatchOptions,
): Promise<void> {
  const { plan } = state;
  for (let index = 0; index < plan.chain.length; index++) {
    const group = plan.chain[index] as TargetGroup;
    const answered = await runGroup(context, group, state, options);
    const canary = index === 0 ? plan.canary : null;
    if (canary !== null) {
      const rollback = canary.canary.record(
        canary.arm,
        answered,
        performance.now() - context.startMark,
        Date.now(),
        context.traceId,
      );
      if (rollback !== null) {
        context.routingEvents.push({
          kind: 'canary-rollback',
          target: canary.canary.name,
          atMs: performance.now() - context.startMark,
          ...rollback,
        });
      }
    }
    if (answered) return;
  }
  if (state.filtered !== null && context.kind === 'chat') {
    context.result = state.filtered.result;
    context.answeringAttempt = state.filtered.attempt;
    context.target = state.filtered.attempt.target;
    return;
  }
  throw finalError(context, state);
}

async function runGroup(
  context: RequestContext,
  group: TargetGroup,
  state: DispatchState,
  options: DispatchOptions,
): Promise<boolean> {
  const ordered = orderTargets(group, availableTargets(context, group, state), {
    cost: (target) => context.estimate?.cost(target, options.prices),
  });
  for (const target of ordered) {
    if ((await tryTarget(context, group, target, state)) === 'answered') return true;
  }
  return false;
}

/** The group's targets that may take this request now; the whole array when all may (no allocation). */
function availableTargets(
  context: RequestContext,
  group: TargetGroup,
  state: DispatchState,
): RoutingTarget[] {
  const now = Date.now();
  let available: RoutingTarget[] | null = null;
  for (let index = 0; index < group.targets.length; index++) {
    const target = group.targets[index] as RoutingTarget;
    const reason = skipReason(context, target, now);
    if (reason === null) {
      available?.push(target);
      continue;
    }
    available ??= group.targets.slice(0, index);
    state.skips.add(reason);
    context.routingEvents.push({
      kind: 'skipped',
      target: target.key,
      atMs: performance.now() - context.startMark,
      reason,
    });
  }
  return available ?? group.targets;
}

function skipReason(context: RequestContext, target: RoutingTarget, now: number): SkipReason | null {
  if (target.breaker.config.enabled && target.breaker.state(now) === 'open') return 'circuit-open';
  const estimate = context.estimate;
  if (estimate === null) return null;
  if (target.contextWindow !== undefined && estimate.contextTokens() > target.contextWindow)
    return 'context-window';
  return target.stats.overLimit(now, target.stats.countsTokens ? estimate.promptTokens() : 0);
}

async function tryTarget(
  context: RequestContext,
  group: TargetGroup,
  target: RoutingTarget,
  state: DispatchState,
): Promise<TargetOutcome> {
  const { policy } = state.plan;
  for (let attemptNumber = 1; ; attemptNumber++) {
    if (performance.now() >= state.deadline) return 'moved-on';
    const pass = target.breaker.acquire(Date.now());
    if (pass === null) {
      state.skips.add('circuit-open');
      context.routingEvents.push({
        kind: 'skipped',
        target: target.key,
        atMs: performance.now() - context.startMark,
        reason: 'circuit-half-open-probe-in-flight',
      });
      return 'moved-on';
    }
    const attempt: AttemptStart = {
      target,
      group: group.name,
      attempt: attemptNumber,
      spanId: newSpanId(),
      startTime: Date.now(),
      startMark: performance.now(),
      firstChunkMark: null,
    };
    state.attempts++;
    const tokens = target.stats.countsTokens ? (context.estimate?.promptTokens() ?? 0) : 0;
    target.stats.begin(attempt.startTime, tokens);
    const signal = createAttemptSignal(
      context.signal,
      target,
      policy.timeouts.first_token_ms,
      state.deadline,
    );
    try {
      if (context.kind === 'chat') await callChat(context, target, attempt, signal.signal);
      else await callEmbeddings(context, target, signal.signal);
    } catch (error) {
      signal.clear();
      target.stats.end();
      if (context.signal.aborted) {
        target.breaker.release(pass);
        throw cancelled(error);
      }
      if (!UpstreamCallError.isInstance(error)) {
        target.breaker.release(pass);
        throw error;
      }
      const verdict = judgeFailure(error, policy.fallbackOn);
      const now = Date.now();
      if (verdict === 'retry') {
        if (target.breaker.recordFailure(now, pass)) {
          context.routingEvents.push({
            kind: 'breaker-opened',
            target: target.key,
            atMs: performance.now() - context.startMark,
            until: target.breaker.snapshot(now).openUntil,
          });
        }
      } else {
        // The upstream answered properly, it just refused this request: the target is healthy.
        target.breaker.recordSuccess(now, pass);
      }
      context.failedAttempts.push(failedAttemptObservation(context, attempt, error));
      state.lastFailure = error;
      if (verdict === 'final') throw toGatewayError(error);
      if (verdict === 'next-target') return 'moved-on';
      const delay = retryDelay(error, attemptNumber, policy.retry, state.deadline - performance.now());
      if (delay === null) return 'moved-on';
      context.routingEvents.push({
        kind: 'retry',
        target: target.key,
        atMs: performance.now() - context.startMark,
        attempt: attemptNumber + 1,
        delayMs: Math.round(delay),
        ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      });
      try {
        await wait(delay, undefined, { signal: context.signal });
      } catch (abort) {
        throw cancelled(abort);
      }
      continue;
    }
    signal.clear();
    const answerMark = attempt.firstChunkMark ?? performance.now();
    target.stats.observeLatency(answerMark - attempt.startMark);
    target.breaker.recordSuccess(Date.now(), pass);
    if (context.kind === 'chat' && context.result?.kind === 'response') {
      target.stats.end();
      target.stats.addTokens(Date.now(), context.result.response.usage?.completion_tokens ?? 0);
      if (policy.fallbackOn.content_policy && isFilteredAnswer(context.result.response)) {
        state.filtered ??= { attempt, result: context.result };
        context.result = null;
        context.routingEvents.push({
          kind: 'filtered',
          target: target.key,
          atMs: performance.now() - context.startMark,
        });
        return 'moved-on';
      }
    } else if (context.kind === 'embeddings') {
      target.stats.end();
    }
    context.target = target;
    context.answeringAttempt = attempt;
    return 'answered';
  }
}

async function callChat(
  context: ChatContext,
  target: RoutingTarget,
  attempt: AttemptStart,
  signal: AbortSignal,
): Promise<void> {
  const request = { ...context.request, model: target.model };
  const result = await target.adapter.chat(request, { signal });
  if (result.kind === 'response') {
    context.result = result;
  } else {
    const iterator = result.stream[Symbol.asyncIterator]();
    let first: IteratorResult<ChatCompletionChunk>;
    try {
      first = await iterator.next();
    } catch (error) {
      await iterator.return?.().catch(() => undefined);
      throw error;
    }
    attempt.firstChunkMark = performance.now();
    context.result = { kind: 'stream', stream: resumeStream(first, iterator, target) };
  }
  context.warnings.push(...result.warnings);
}

async function callEmbeddings(
  context: EmbeddingsContext,
  target: RoutingTarget,
  signal: AbortSignal,
): Promise<void> {
  const result = await target.adapter.embed({ ...context.request, model: target.model }, { signal });
  context.result = { kind: 'embeddings', response: result.response };
  context.warnings.push(...result.warnings);
}

/**
 * The stream again, from the chunk already read. Closing it early closes the upstream iterator; a
 * failure after the first chunk can no longer fail over and surfaces as a `GatewayError` saying where
 * the stream broke. The target stays "in flight" (least-busy) until the stream ends.
 */
async function* resumeStream(
  first: IteratorResult<ChatCompletionChunk>,
  iterator: AsyncIterator<ChatCompletionChunk>,
  target: RoutingTarget,
): AsyncGenerator<ChatCompletionChunk> {
  let done = first.done === true;
  let delivered = 0;
  let outputTokens = 0;
  try {
    if (!done) {
      yield first.value as ChatCompletionChunk;
      delivered++;
    }
    while (!done) {
      let next: IteratorResult<ChatCompletionChunk>;
      try {
        next = await iterator.next();
      } catch (error) {
        done = true;
        if (!UpstreamCallError.isInstance(error)) throw error;
        const mapped = toGatewayError(error);
        throw new GatewayError(mapped.code, `stream broke after ${delivered} chunks: ${mapped.message}`, {
          status: mapped.status,
          type: mapped.type,
          publicCode: mapped.publicCode,
          cause: error,
        });
      }
      if (next.done === true) {
        done = true;
      } else {
        if (next.value.usage) outputTokens = next.value.usage.completion_tokens;
        yield next.value;
        delivered++;
      }
    }
  } finally {
    target.stats.end();
    target.stats.addTokens(Date.now(), outputTokens);
    if (!done) await iterator.return?.();
  }
}

/** Why nothing answered, in the most useful terms: the last upstream failure, or why targets were skipped. */
function finalError(context: RequestContext, state: DispatchState): GatewayError {
  const { plan } = state;
  const model = context.request.model;
  if (performance.now() >= state.deadline) {
    const last = state.lastFailure === undefined ? '' : `; last failure: ${state.lastFailure.message}`;
    context.routingEvents.push({
      kind: 'deadline',
      target: plan.name,
      atMs: performance.now() - context.startMark,
    });
    return new GatewayError(
      'upstream_timeout',
      `model ${model}: request deadline of ${plan.policy.timeouts.total_ms} ms reached after ${state.attempts} attempts${last}`,
      { cause: state.lastFailure },
    );
  }
  if (state.lastFailure !== undefined) return toGatewayError(state.lastFailure);
  if (state.skips.has('context-window')) {
    const windows = plan.chain.flatMap((group) => group.targets.map((target) => target.contextWindow ?? 0));
    return new GatewayError(
      'invalid_request',
      `The request needs about ${context.estimate?.contextTokens() ?? 0} tokens (prompt + max_tokens), more than the context window of every target of model ${model} and its fallbacks (largest: ${Math.max(...windows)}).`,
      { param: 'messages', publicCode: 'context_length_exceeded' },
    );
  }
  if (state.skips.has('circuit-open')) {
    const now = Date.now();
    const until = Math.min(
      ...plan.chain.flatMap((group) =>
        group.targets.map((target) => target.breaker.snapshot(now).openUntil ?? now),
      ),
    );
    return new GatewayError(
      'service_unavailable',
      `model ${model}: every target is unavailable (circuit breaker open after repeated upstream failures)`,
      { headers: { 'retry-after': String(Math.max(1, Math.ceil((until - now) / 1000))) } },
    );
  }
  if (state.skips.has('rpm') || state.skips.has('tpm')) {
    return new GatewayError(
      'rate_limit_exceeded',
      `model ${model}: every target is at its configured upstream rate limit (rpm/tpm)`,
      { headers: { 'retry-after': '1' } },
    );
  }
  return new GatewayError('service_unavailable', `model ${model} has no deployment to call`);
}

function cancelled(cause: unknown): GatewayError {
  return new GatewayError(
    'client_closed_request',
    'the client closed the connection before the answer was complete',
    { cause },
  );
}
