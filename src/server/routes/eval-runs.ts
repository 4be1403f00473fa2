/**
 * `/api/eval-runs`: stored eval runs for the UI — list, one run, its results, a comparison with a
 * baseline (run id or label), and labelling a run (`production`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { compareRuns } from '../../evals/comparisons/compare-runs.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { EvalRunRepository } from '../../storage/eval-run-repository.js';
import { parseBody } from '../request-schemas.js';

const listQuery = z.strictObject({
  suite: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const compareQuery = z.strictObject({
  baseline: z.string().min(1),
  alpha: z.coerce.number().gt(0).lt(1).default(0.05),
});
const labelName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function registerEvalRunRoutes(app: FastifyInstance, runs: EvalRunRepository): void {
  async function requireRun(id: string) {
    const run = await runs.getRun(id);
    if (run === null) throw new GatewayError('not_found', `No eval run with id ${id}.`, { param: 'id' });
    return run;
  }

  app.get('/api/eval-runs', async (request) => {
    const query = parseBody<z.infer<typeof listQuery>>(listQuery, { ...(request.query as object) });
    return {
      data: await runs.listRuns({
        limit: query.limit,
        ...(query.suite === undefined ? {} : { suite: query.suite }),
      }),
    };
  });

  app.get<{ Params: { id: string } }>('/api/eval-runs/:id', (request) => requireRun(request.params.id));

  app.get<{ Params: { id: string } }>('/api/eval-runs/:id/results', async (request) => {
    await requireRun(request.params.id);
    return { data: await runs.getResults(request.params.id) };
  });

  app.get<{ Params: { id: string } }>('/api/eval-runs/:id/compare', async (request) => {
    const query = parseBody<z.infer<typeof compareQuery>>(compareQuery, { ...(request.query as object) });
    const candidate = await requireRun(request.params.id);
    const baselineId =
      (await runs.getRun(query.baseline)) !== null
        ? query.baseline
        : await runs.resolveLabel(candidate.suite, query.baseline);
    if (baselineId === null) {
      throw new GatewayError(
        'not_found',
        `Baseline ${query.baseline} is neither a run id nor a label of suite ${candidate.suite}.`,
        {
          param: 'baseline',
        },
      );
    }
    const comparison = compareRuns(await runs.getResults(baselineId), await runs.getResults(candidate.id), {
      alpha: query.alpha,
    });
    return { baseline_run_id: baselineId, candidate_run_id: candidate.id, ...comparison };
  });

  app.put<{ Params: { id: string; label: string } }>('/api/eval-runs/:id/labels/:label', async (request) => {
    if (!labelName.test(request.params.label)) {
      throw new GatewayError('invalid_request', 'A label uses letters, digits, ".", "_" or "-".', {
        param: 'label',
      });
    }
    const run = await requireRun(request.params.id);
    await runs.setLabel(run.suite, request.params.label, run.id);
    return { suite: run.suite, label: request.params.label, run_id: run.id };
  });
}
