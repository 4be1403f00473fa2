/**
 * Experiments on a prompt's label: `/api/prompts/{name}/experiments` (start, list), one experiment,
 * its per-variant results with significance tests, and the `stop` and `ship` actions.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ExperimentService } from '../../prompts/experiments.js';
import { labelPattern } from '../../prompts/reference.js';
import { controlPlaneScope } from '../control-plane-scope.js';
import { parseBody } from '../request-schemas.js';

type ExperimentParams = { Params: { name: string; id: string } };

const startBody = z.strictObject({
  label: z.string().regex(labelPattern).default('production'),
  variants: z
    .array(
      z.strictObject({
        name: z
          .string()
          .regex(/^[\w.-]{1,64}$/)
          .optional(),
        version: z.number().int().positive(),
        weight: z.number().min(0).max(100),
      }),
    )
    .min(2, 'an experiment needs at least two variants'),
  segment: z.strictObject({ metadata: z.record(z.string(), z.string()) }).optional(),
});

const resultsQuery = z.strictObject({
  baseline: z.string().optional(),
  confidence: z.coerce.number().gt(0.5).lt(1).default(0.95),
  /** `metric:effect` pairs, comma-separated: `feedback:0.1,latency_ms:50`. */
  effect: z
    .string()
    .regex(
      /^[\w.-]+:-?\d+(\.\d+)?(,[\w.-]+:-?\d+(\.\d+)?)*$/,
      'expected metric:effect pairs, comma-separated',
    )
    .optional(),
});

const shipBody = z.strictObject({ variant: z.string().min(1) });

export function registerPromptExperimentRoutes(app: FastifyInstance, experiments: ExperimentService): void {
  app.post<{ Params: { name: string } }>('/api/prompts/:name/experiments', async (request, reply) => {
    const scope = controlPlaneScope(request, 'prompts.write');
    const body = parseBody<z.infer<typeof startBody>>(startBody, request.body);
    const experiment = await experiments.start(scope, request.params.name, {
      label: body.label,
      variants: body.variants.map((variant) => ({
        name: variant.name ?? `v${variant.version}`,
        version: variant.version,
        weight: variant.weight,
      })),
      segment: body.segment ?? null,
      actor: scope.actor,
    });
    return reply.code(201).send(experiment);
  });

  app.get<{ Params: { name: string } }>('/api/prompts/:name/experiments', async (request) => ({
    data: await experiments.list(controlPlaneScope(request, 'prompts.read'), request.params.name),
  }));

  app.get<ExperimentParams>('/api/prompts/:name/experiments/:id', async (request) =>
    experiments.get(controlPlaneScope(request, 'prompts.read'), request.params.name, request.params.id),
  );

  app.get<ExperimentParams>('/api/prompts/:name/experiments/:id/results', async (request) => {
    const query = parseBody<z.infer<typeof resultsQuery>>(resultsQuery, { ...(request.query as object) });
    const effects = Object.fromEntries(
      (query.effect?.split(',') ?? []).map((pair) => {
        const split = pair.lastIndexOf(':');
        return [pair.slice(0, split), Number(pair.slice(split + 1))];
      }),
    );
    return experiments.results(
      controlPlaneScope(request, 'prompts.read'),
      request.params.name,
      request.params.id,
      {
        baseline: query.baseline,
        confidence: query.confidence,
        effects,
      },
    );
  });

  app.post<ExperimentParams>('/api/prompts/:name/experiments/:id/stop', async (request) =>
    experiments.stop(controlPlaneScope(request, 'prompts.write'), request.params.name, request.params.id),
  );

  app.post<ExperimentParams>('/api/prompts/:name/experiments/:id/ship', async (request) => {
    const scope = controlPlaneScope(request, 'prompts.write');
    const body = parseBody<z.infer<typeof shipBody>>(shipBody, request.body);
    return experiments.ship(scope, request.params.name, request.params.id, {
      variant: body.variant,
      actor: scope.actor,
    });
  });
}
