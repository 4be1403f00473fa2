/**
 * `POST /api/scores`: feedback on a request — numeric, boolean or categorical, from the app (`api`),
 * an annotator (`annotation`) or an evaluation (`eval`) — by trace id or by the request id the client
 * saw. A request whose trace is not stored yet (it is, a flush after the response) gets its score
 * with 202 and `pending: true`; the score is attached when the trace lands. `GET /api/scores?trace_id=…`
 * lists a trace's scores. Experiments compare variants on them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ScoreDataType, ScoreRepository } from '../../telemetry/score-repository.js';
import { controlPlaneScope } from '../control-plane-scope.js';
import { parseBody } from '../request-schemas.js';

const scoreBody = z
  .strictObject({
    trace_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/, 'a trace id is 32 lowercase hex characters')
      .optional(),
    request_id: z.string().min(1).max(128).optional(),
    name: z.string().regex(/^[\w.-]{1,64}$/, 'a score name is 1–64 letters, digits, _, . or -'),
    value: z.union([z.number().finite(), z.boolean(), z.string().min(1).max(256)]),
    data_type: z.enum(['numeric', 'boolean', 'categorical']).optional(),
    source: z.enum(['api', 'annotation', 'eval']).default('api'),
    comment: z.string().max(2000).optional(),
  })
  .superRefine((body, context) => {
    if ((body.trace_id === undefined) === (body.request_id === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['trace_id'],
        message: 'give exactly one of trace_id and request_id',
      });
    }
    const implied = impliedType(body.value);
    if (
      body.data_type !== undefined &&
      body.data_type !== implied &&
      !(body.data_type === 'boolean' && (body.value === 0 || body.value === 1))
    ) {
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: `a ${body.data_type} score needs a ${body.data_type === 'categorical' ? 'string' : body.data_type} value`,
      });
    }
  });

const listQuery = z.strictObject({ trace_id: z.string().min(1) });

function impliedType(value: number | boolean | string): ScoreDataType {
  return typeof value === 'number' ? 'numeric' : typeof value === 'boolean' ? 'boolean' : 'categorical';
}

export function registerScoreRoutes(app: FastifyInstance, scores: ScoreRepository): void {
  app.post('/api/scores', async (request, reply) => {
    const scope = controlPlaneScope(request, 'scores.write');
    const body = parseBody<z.infer<typeof scoreBody>>(scoreBody, request.body);
    const dataType = body.data_type ?? impliedType(body.value);
    const score = {
      name: body.name,
      dataType,
      value: dataType === 'boolean' ? Boolean(body.value) : body.value,
      source: body.source,
      comment: body.comment ?? null,
    };
    if (body.trace_id !== undefined) {
      return reply.code(201).send(await scores.insertScore(scope, { ...score, traceId: body.trace_id }));
    }
    // 202 while the request's trace is not stored yet: the score is kept and attached when it is.
    const stored = await scores.insertScoreForRequest(scope, body.request_id ?? '', score);
    return reply.code(stored.traceId === null ? 202 : 201).send(stored);
  });

  app.get('/api/scores', async (request) => {
    const query = parseBody<z.infer<typeof listQuery>>(listQuery, { ...(request.query as object) });
    return { data: await scores.listScores(controlPlaneScope(request, 'usage.read'), query.trace_id) };
  });
}
