/**
 * The prompt registry's API: `/api/prompts` (list, push), one prompt with its versions and labels,
 * label moves (promote, remove, rollback) and their audit. Experiments are in prompt-experiments.ts.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { labelName, pushSchema, type PushInput } from '../../prompts/definition.js';
import type { PromptRegistry } from '../../prompts/registry.js';
import { controlPlaneScope } from '../control-plane-scope.js';
import { parseBody } from '../request-schemas.js';

type NameParams = { Params: { name: string } };
type LabelParams = { Params: { name: string; label: string } };

const moveBody = z.strictObject({
  version: z.number().int().positive(),
  reason: z.string().max(1000).optional(),
});
const rollbackBody = z.strictObject({
  to_version: z.number().int().positive().optional(),
  reason: z.string().max(1000).optional(),
});
const auditQuery = z.strictObject({
  label: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const versionParam = z.coerce.number().int().positive();

export function registerPromptRoutes(app: FastifyInstance, registry: PromptRegistry): void {
  app.get('/api/prompts', async (request) => ({
    data: await registry.list(controlPlaneScope(request, 'prompts.read')),
  }));

  app.post('/api/prompts', async (request, reply) => {
    const scope = controlPlaneScope(request, 'prompts.write');
    const input = parseBody<PushInput>(pushSchema, request.body);
    const outcome = await registry.push(scope, input, scope.actor);
    return reply.code(outcome.created ? 201 : 200).send(outcome);
  });

  app.get<NameParams>('/api/prompts/:name', async (request) =>
    registry.get(controlPlaneScope(request, 'prompts.read'), request.params.name),
  );

  app.get<{ Params: { name: string; version: string } }>(
    '/api/prompts/:name/versions/:version',
    async (request) => {
      const version = parseBody<{ version: number }>(z.object({ version: versionParam }), {
        version: request.params.version,
      }).version;
      return registry.versionAt(controlPlaneScope(request, 'prompts.read'), {
        name: request.params.name,
        label: null,
        version,
      });
    },
  );

  app.get<LabelParams>('/api/prompts/:name/labels/:label', async (request) =>
    registry.versionAt(controlPlaneScope(request, 'prompts.read'), {
      name: request.params.name,
      label: request.params.label,
      version: null,
    }),
  );

  app.put<LabelParams>('/api/prompts/:name/labels/:label', async (request) => {
    const scope = controlPlaneScope(request, 'prompts.write');
    const label = parseBody<{ label: string }>(z.object({ label: labelName }), {
      label: request.params.label,
    }).label;
    const body = parseBody<z.infer<typeof moveBody>>(moveBody, request.body);
    return registry.moveLabel(scope, request.params.name, {
      label,
      version: body.version,
      actor: scope.actor,
      action: 'promote',
      reason: body.reason ?? null,
    });
  });

  app.delete<LabelParams>('/api/prompts/:name/labels/:label', async (request) => {
    const scope = controlPlaneScope(request, 'prompts.write');
    return registry.removeLabel(scope, request.params.name, request.params.label, scope.actor);
  });

  app.post<LabelParams>('/api/prompts/:name/labels/:label/rollback', async (request) => {
    const scope = controlPlaneScope(request, 'prompts.write');
    const body = parseBody<z.infer<typeof rollbackBody>>(rollbackBody, request.body ?? {});
    return registry.rollback(scope, request.params.name, {
      label: request.params.label,
      actor: scope.actor,
      toVersion: body.to_version,
      reason: body.reason ?? null,
    });
  });

  app.get<NameParams>('/api/prompts/:name/audit', async (request) => {
    const query = parseBody<z.infer<typeof auditQuery>>(auditQuery, { ...(request.query as object) });
    const filter =
      query.label === undefined ? { limit: query.limit } : { label: query.label, limit: query.limit };
    return {
      data: await registry.audit(controlPlaneScope(request, 'prompts.read'), request.params.name, filter),
    };
  });
}
