/**
 * `/api/online-evaluators`: evaluators that sample production traces and score them, and
 * `/api/eval-scores`: the scores they wrote, by trace or evaluator.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  onlineEvaluatorInputSchema,
  type OnlineEvaluatorInput,
} from '../../evals/online/online-evaluator-spec.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { DuplicateEvaluatorError, type OnlineEvalRepository } from '../../storage/online-eval-repository.js';
import { parseBody } from '../request-schemas.js';

const patchBody = z.strictObject({ enabled: z.boolean() });
const scoreQuery = z.strictObject({
  trace_id: z.string().optional(),
  evaluator_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function registerOnlineEvaluatorRoutes(app: FastifyInstance, online: OnlineEvalRepository): void {
  const notFound = (id: string): GatewayError =>
    new GatewayError('not_found', `No online evaluator ${id}.`, { param: 'id' });

  app.get('/api/online-evaluators', async () => ({ data: await online.listEvaluators() }));

  app.post('/api/online-evaluators', async (request, reply) => {
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
    const evaluator = await online.getEvaluator(request.params.id);
    if (evaluator === null) throw notFound(request.params.id);
    return evaluator;
  });

  app.patch<{ Params: { id: string } }>('/api/online-evaluators/:id', async (request) => {
    const body = parseBody<z.infer<typeof patchBody>>(patchBody, request.body);
    const evaluator = await online.getEvaluator(request.params.id);
    if (evaluator === null) throw notFound(request.params.id);
    await online.setEnabled(evaluator.id, body.enabled);
    return { ...evaluator, enabled: body.enabled };
  });

  app.delete<{ Params: { id: string } }>('/api/online-evaluators/:id', async (request, reply) => {
    const evaluator = await online.getEvaluator(request.params.id);
    if (evaluator === null || !(await online.deleteEvaluator(evaluator.id)))
      throw notFound(request.params.id);
    return reply.code(204).send();
  });

  app.get('/api/eval-scores', async (request) => {
    const query = parseBody<z.infer<typeof scoreQuery>>(scoreQuery, { ...(request.query as object) });
    if (query.trace_id === undefined && query.evaluator_id === undefined) {
      throw new GatewayError('invalid_request', 'Give trace_id or evaluator_id.', { param: 'trace_id' });
    }
    return {
      data: await online.listScores({
        limit: query.limit,
        ...(query.trace_id === undefined ? {} : { traceId: query.trace_id }),
        ...(query.evaluator_id === undefined ? {} : { evaluatorId: query.evaluator_id }),
      }),
    };
  });
}
