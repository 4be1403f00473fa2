/**
 * What every data-plane route does around the pipeline: tie the request's lifetime to an abort
 * signal (a client that disconnects cancels the upstream call), build the edge facts the context
 * needs, and set the response headers that tell the client who answered.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestContext } from '../gateway/context.js';
import type { EdgeRequest } from '../gateway/create-context.js';

export function edgeRequest(request: FastifyRequest, reply: FastifyReply, endpoint: string): EdgeRequest {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  });
  const traceparent = request.headers.traceparent;
  const promptVariables = request.headers['x-gatehouse-prompt-variables'];
  return {
    requestId: request.id,
    endpoint,
    signal: controller.signal,
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    promptVariables: typeof promptVariables === 'string' ? promptVariables : undefined,
  };
}

/**
 * `x-request-id`, `x-gatehouse-trace-id`, `x-gatehouse-provider`, `x-gatehouse-model`, `x-gatehouse-warnings`,
 * and for a call by prompt reference `x-gatehouse-prompt` (`name@version`) and, inside an experiment,
 * `x-gatehouse-experiment` and `x-gatehouse-experiment-variant`.
 */
export function gatewayHeaders(context: RequestContext): Record<string, string> {
  const headers: Record<string, string> = {
    'x-request-id': context.requestId,
    'x-gatehouse-trace-id': context.traceId,
  };
  if (context.target !== null) {
    headers['x-gatehouse-provider'] = context.target.adapter.id;
    headers['x-gatehouse-model'] = context.target.model;
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
