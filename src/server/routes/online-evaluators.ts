/**
 * `/api/online-evaluators`: evaluators that sample production traces and score them. Their scores are
 * in the shared scores table (`GET /api/scores?trace_id=…`, source `eval`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  onlineEvaluatorInputSchema,
  type OnlineEvaluatorInput,
} from '../../evals/online/online-evaluator-spec.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { DuplicateEvaluatorError, type OnlineEvalRepository } from '../../storage/online-eval-repository.js';
import { requirePermission } from '../../tenancy/roles.js';
import { principalOf } from '../auth.js';
import { parseBody } from '../request-schemas.js';

const patchBody = z.strictObject({ enabled: z.boolean() });

export function registerOnlineEvaluatorRoutes(app: FastifyInstance, online: OnlineEvalRepository): void {
  // Evaluators sample every tenant's traces: only the operator (master key) sees or defines them.
  const operator = (request: FastifyRequest): void => requirePermission(principalOf(request), 'evals.online');

  const notFound = (id: string): GatewayError =>
    new GatewayError('not_found', `No online evaluator ${id}.`, { param: 'id' });

  app.get('/api/online-evaluators', async (request) => {
    operator(request);
    return { data: await online.listEvaluators() };
  });

  app.post('/api/online-evaluators', async (request, reply) => {
    operator(request);
    const body = parseBody<OnlineEvaluatorInput>(onlineEvaluatorInputSchema, request.body);
    try {
      return await reply.code(201).send(await online.createEvaluator(body));
    } catch (error) {
      if (error instanceof DuplicateEvaluatorError)
        throw new GatewayError('invalid_request', `${error.message}.`, { param: 'name' });
      throw error;
    }
  });

  app.get<{ Params: { id: string } }>('/api/online-evaluators/:id', async (request) => {
    operator(request);
    const evaluator = await online.getEvaluator(request.params.id);
    if (evaluator === null) throw notFound(request.params.id);
    return evaluator;
  });

  app.patch<{ Params: { id: string } }>('/api/online-evaluators/:id', async (request) => {
    operator(request);
    const body = parseBody<z.infer<typeof patchBody>>(patchBody, request.body);
    const evaluator = await online.getEvaluator(request.params.id);
    if (evaluator === null) throw notFound(request.params.id);
    await online.setEnabled(evaluator.id, body.enabled);
    return { ...evaluator, enabled: body.enabled };
  });

  app.delete<{ Params: { id: string } }>('/api/online-evaluators/:id', async (request, reply) => {
    operator(request);
    const evaluator = await online.getEvaluator(request.params.id);
    if (evaluator === null || !(await online.deleteEvaluator(evaluator.id)))
      throw notFound(request.params.id);
    return reply.code(204).send();
  });
}
