/**
 * Alerts: `GET /api/alerts` (each rule's current state), `GET /api/alerts/rules`, `POST /api/alerts/rules`
 * (create or replace an API rule), `DELETE /api/alerts/rules/:name`, and `GET /api/alerts/history`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type { AlertRepository } from '../../storage/alert-repository.js';
import { AlertRuleError, type AlertEngine } from '../../telemetry/alerts/alert-engine.js';
import { parseBody } from '../request-schemas.js';
import { instant } from '../instant.js';
import { withoutUndefined } from './traces.js';

const historyQuery = z.strictObject({
  rule: z.string().optional(),
  from: instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function registerAlertRoutes(
  app: FastifyInstance,
  engine: AlertEngine,
  repository: AlertRepository,
): void {
  app.get('/api/alerts', () => ({ data: engine.statuses() }));

  app.get('/api/alerts/rules', () => ({
    data: engine.rules().map(({ rule, origin }) => ({ ...rule, origin })),
  }));

  app.post('/api/alerts/rules', async (request, reply) => {
    const rule = await withRuleErrors(() => engine.putRule(request.body));
    return reply.code(201).send({ ...rule, origin: 'api' });
  });

  app.delete<{ Params: { name: string } }>('/api/alerts/rules/:name', async (request, reply) => {
    const deleted = await withRuleErrors(() => engine.deleteRule(request.params.name));
    if (!deleted)
      throw new GatewayError('not_found', `No API alert rule named ${request.params.name}.`, {
        param: 'name',
      });
    return reply.code(204).send();
  });

  app.get('/api/alerts/history', async (request) => {
    const query = parseBody<z.infer<typeof historyQuery>>(historyQuery, { ...(request.query as object) });
    return { data: await repository.history(withoutUndefined(query)) };
  });
}

async function withRuleErrors<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AlertRuleError) {
      throw new GatewayError('invalid_request', error.message, { param: error.param });
    }
    throw error;
  }
}
