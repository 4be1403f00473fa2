/**
 * `GET /v1/models` and `GET /v1/models/:model`: the model names this gateway serves, OpenAI-style;
 * for a virtual key, only those its policy allows.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { modelAllowed } from '../../tenancy/effective-policy.js';
import { principalOf } from '../auth.js';
import type { ModelObject } from '../../providers/canonical.js';
import type { ModelRouter } from '../../gateway/resolve-route.js';
import { GatewayError } from '../../errors/gateway-error.js';

export function registerModelsRoutes(app: FastifyInstance, router: ModelRouter): void {
  const created = Math.floor(Date.now() / 1000);
  const toObject = (id: string): ModelObject => ({ id, object: 'model', created, owned_by: 'gatehouse' });

  const allowedFor = (request: FastifyRequest) => {
    const principal = principalOf(request);
    return principal.kind === 'virtual'
      ? (name: string) => modelAllowed(principal.active.policy, name)
      : () => true;
  };

  app.get('/v1/models', (request, reply) => {
    const allowed = allowedFor(request);
    const data = router
      .listModels()
      .filter((model) => allowed(model.name))
      .map((model) => toObject(model.name));
    return reply.send({ object: 'list', data });
  });

  app.get<{ Params: { '*': string } }>('/v1/models/*', (request, reply) => {
    const id = request.params['*'];
    if (router.resolve(id) === undefined || !allowedFor(request)(id)) {
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
