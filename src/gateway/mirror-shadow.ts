/**
 * Shadow traffic: when the plan mirrors this request, a copy goes to the shadow model's first
 * available target, concurrently and off the response path: the client's answer never waits for it,
 * its failures never reach the client, and its answer is never returned. The copy is a non-streamed
 * call (so its whole answer can be recorded) with its own timeout, and is not cancelled when the client
 * leaves. Its observation joins the request's trace (record-trace waits for it before handing the
 * trace over). Chat requests only.
 */
import type { ChatCompletionRequest } from '../providers/canonical.js';
import { newSpanId } from '../telemetry/ids.js';
import type { ObservationRecord } from '../telemetry/model.js';
import type { ShadowRoute } from '../routing/route-table.js';
import { orderTargets } from '../routing/strategies.js';
import type { RoutingTarget } from '../routing/target.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import type { AttemptStart, ChatContext, RequestContext } from './context.js';
import type { Stage } from './compose.js';
import { shadowObservation } from './observations.js';
import type { TraceOptions } from './observations.js';

export interface ShadowOptions extends TraceOptions {
  prices: PriceCatalog;
}

export const mirrorShadow = (options: ShadowOptions): Stage<RequestContext> =>
  async function mirrorShadow(context, next) {
    const shadow = context.route?.shadow ?? null;
    if (shadow !== null && context.kind === 'chat') context.shadowCall = callShadow(context, shadow, options);
    await next();
  };

async function callShadow(
  context: ChatContext,
  shadow: ShadowRoute,
  options: ShadowOptions,
): Promise<ObservationRecord> {
  const now = Date.now();
  const available = shadow.group.targets.filter((target) => target.breaker.state(now) !== 'open');
  const [target] = orderTargets(shadow.group, available, {
    cost: (candidate) => context.estimate?.cost(candidate, options.prices),
  });
  // Config checks guarantee a shadow model has targets; with all breakers open, the first is used.
  const chosen = (target ?? shadow.group.targets[0]) as RoutingTarget;
  const attempt: AttemptStart = {
    target: chosen,
    group: shadow.group.name,
    attempt: 1,
    spanId: newSpanId(),
    startTime: now,
    startMark: performance.now(),
    firstChunkMark: null,
  };
  // Copied without the streaming fields: the shadow's whole answer is recorded, never streamed.
  const { stream: _stream, stream_options: _streamOptions, ...rest } = context.request;
  const request: ChatCompletionRequest = { ...rest, model: chosen.model };
  chosen.stats.begin(now, 0);
  try {
    const result = await chosen.adapter.chat(request, { signal: AbortSignal.timeout(shadow.timeoutMs) });
    if (result.kind !== 'response') throw new Error('shadow call returned a stream');
    chosen.stats.observeLatency(performance.now() - attempt.startMark);
    return shadowObservation(context, attempt, { completion: result.response }, options);
  } catch (error) {
    return shadowObservation(context, attempt, { error }, options);
  } finally {
    chosen.stats.end();
  }
}
