/**
 * `GET /api/traces` (filters, newest first, cursor pagination) and `GET /api/traces/:id` (the trace,
 * its observations in start order, and the same observations as a tree of parent and children),
 * scoped to the caller: the master key sees every trace, an admin key its tenant's, a virtual key its
 * project's.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type { TraceRepository } from '../../storage/trace-repository.js';
import { buildObservationTree } from '../../telemetry/queries/observation-tree.js';
import { parseBody } from '../request-schemas.js';
import { instant } from '../instant.js';
import { principalOf } from '../auth.js';
import { requirePermission, scopeOf } from '../../tenancy/roles.js';

const listQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  status: z.enum(['ok', 'error', 'cancelled']).optional(),
  user: z.string().optional(),
  session: z.string().optional(),
  tag: z.string().optional(),
  source: z.enum(['gateway', 'otlp', 'api']).optional(),
  tenant: z.string().optional(),
  project: z.string().optional(),
  prompt_name: z.string().optional(),
  prompt_version: z.string().optional(),
  min_cost: z.coerce.number().min(0).optional(),
  max_cost: z.coerce.number().min(0).optional(),
  min_latency_ms: z.coerce.number().min(0).optional(),
  max_latency_ms: z.coerce.number().min(0).optional(),
  q: z.string().trim().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional(),
});

export function registerTraceRoutes(app: FastifyInstance, traces: TraceRepository): void {
  app.get('/api/traces', async (request) => {
    const principal = principalOf(request);
    requirePermission(principal, 'usage.read');
    const {
      prompt_name: promptName,
      prompt_version: promptVersion,
      min_cost: minCost,
      max_cost: maxCost,
      min_latency_ms: minLatencyMs,
      max_latency_ms: maxLatencyMs,
      q: search,
      ...query
    } = parseBody<z.infer<typeof listQuery>>(listQuery, { ...(request.query as object) });
    // A malformed cursor throws InvalidCursorError, itself a 400 naming `cursor`.
    const page = await traces.listTraces(
      withoutUndefined({
        ...query,
        promptName,
        promptVersion,
        minCost,
        maxCost,
        minLatencyMs,
        maxLatencyMs,
        search,
        scope: scopeOf(principal),
      }),
    );
    return { data: page.data, next_cursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/traces/:id', async (request) => {
    const principal = principalOf(request);
    requirePermission(principal, 'usage.read');
    // Another tenant's trace is "not found", so ids cannot be probed.
    const found = await traces.getTrace(request.params.id, scopeOf(principal));
    if (found === null)
      throw new GatewayError('not_found', `No trace with id ${request.params.id}.`, { param: 'id' });
    return { ...found, tree: buildObservationTree(found.observations) };
  });
}

/** Drops keys whose value is undefined (the repository's optional fields are absent, not undefined). */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
