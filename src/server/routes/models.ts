/** `GET /v1/models` and `GET /v1/models/:model`: the model names this gateway serves, OpenAI-style. */
import type { FastifyInstance } from 'fastify';
import type { ModelObject } from '../../providers/canonical.js';
import type { ModelRouter } from '../../gateway/resolve-route.js';
import { GatewayError } from '../../errors/gateway-error.js';

export function registerModelsRoutes(app: FastifyInstance, router: ModelRouter): void {
  const created = Math.floor(Date.now() / 1000);
  const toObject = (id: string): ModelObject => ({ id, object: 'model', created, owned_by: 'gatehouse' });

  app.get('/v1/models', (_request, reply) =>
    reply.send({ object: 'list', data: router.listModels().map((model) => toObject(model.name)) }),
  );

  app.get<{ Params: { '*': string } }>('/v1/models/*', (request, reply) => {
    const id = request.params['*'];
    if (router.resolve(id) === undefined) {
      throw new GatewayError(
        'model_not_found',
        `The model \`${id}\` does not exist or is not configured on this gateway.`,
        {
          param: 'model',
        },
      );
    }
    return reply.send(toObject(id));
  });
}
