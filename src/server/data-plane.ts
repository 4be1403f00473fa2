/**
 * What every data-plane route does around the pipeline: tie the request's lifetime to an abort
 * signal (a client that disconnects cancels the upstream call), build the edge facts the context
 * needs, and set the response headers that tell the client who answered.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../gateway/context.js';
import type { EdgeRequest } from '../gateway/create-context.js';
import { guardrailsHeader } from '../gateway/guardrail-records.js';
import { principalOf } from './auth.js';

export function edgeRequest(request: FastifyRequest, reply: FastifyReply, endpoint: string): EdgeRequest {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  });
  const { traceparent, 'cache-control': cacheControl } = request.headers;
  const promptVariables = request.headers['x-gatehouse-prompt-variables'];
  return {
    requestId: request.id,
    endpoint,
    signal: controller.signal,
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    principal: principalOf(request),
    cacheControl,
    promptVariables: typeof promptVariables === 'string' ? promptVariables : undefined,
  };
}

/**
 * `x-request-id`, `x-gatehouse-trace-id`, `x-gatehouse-provider`, `x-gatehouse-model`,
 * `x-gatehouse-guardrails`, `x-gatehouse-warnings`, stage headers (`x-ratelimit-*`); from routing: `x-gatehouse-route` (the configured
 * model that answered, a fallback's name after a fallback), `x-gatehouse-attempts` (after a retry or
 * failover) and the decision headers of the plan (complexity, split, canary); from the cache:
 * `x-gatehouse-cache` (`miss`, `hit`, `semantic-hit`) and `x-gatehouse-cache-similarity`;
 * for a call by prompt reference `x-gatehouse-prompt` (`name@version`) and, inside an experiment,
 * `x-gatehouse-experiment` and `x-gatehouse-experiment-variant`.
 */
export function gatewayHeaders(context: RequestContext): Record<string, string> {
  const headers: Record<string, string> = {
    ...context.responseHeaders,
    'x-request-id': context.requestId,
    'x-gatehouse-trace-id': context.traceId,
  };
  if (context.target !== null) {
    headers['x-gatehouse-provider'] = context.target.adapter.id;
    headers['x-gatehouse-model'] = context.target.model;
  }
  if (context.answeringAttempt !== null) headers['x-gatehouse-route'] = context.answeringAttempt.group;
  if (context.failedAttempts.length > 0) {
    headers['x-gatehouse-attempts'] = String(context.failedAttempts.length + 1);
  }
  if (context.route !== null) Object.assign(headers, context.route.headers);
  if (context.guardrails !== null) headers['x-gatehouse-guardrails'] = guardrailsHeader(context.guardrails);
  if (context.cache !== null) {
    headers['x-gatehouse-cache'] = context.cache.status;
    if (context.cache.similarity !== null) {
      headers['x-gatehouse-cache-similarity'] = context.cache.similarity.toFixed(4);
    }
  }
  if (context.kind === 'chat' && context.prompt !== null) {
    headers['x-gatehouse-prompt'] = `${context.prompt.name}@${context.prompt.version}`;
    if (context.prompt.variant !== null && context.prompt.experimentId !== null) {
      headers['x-gatehouse-experiment'] = context.prompt.experimentId;
      headers['x-gatehouse-experiment-variant'] = context.prompt.variant;
    }
  }
  if (context.warnings.length > 0) {
    headers['x-gatehouse-warnings'] = context.warnings
      .map((warning) => `${warning.param}: ${warning.message}`)
      .join('; ')
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, 2000);
  }
  return headers;
}
