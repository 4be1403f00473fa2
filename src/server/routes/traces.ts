/**
 * `GET /api/traces` (filters, newest first, cursor pagination) and `GET /api/traces/:id` (the trace
 * and its observations).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type { TraceRepository } from '../../storage/trace-repository.js';
import { parseBody } from '../request-schemas.js';

/** Epoch milliseconds or an ISO-8601 date. */
const instant = z.string().transform((value, context) => {
  const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(time)) {
    context.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO-8601 date' });
    return z.NEVER;
  }
  return time;
});

const listQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  model: z.string().optional(),
  provider: z.string().optional(),
  status: z.enum(['ok', 'error', 'cancelled']).optional(),
  user: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().optional(),
});

export function registerTraceRoutes(app: FastifyInstance, traces: TraceRepository): void {
  app.get('/api/traces', async (request) => {
    const query = parseBody<z.infer<typeof listQuery>>(listQuery, { ...(request.query as object) });
    // A malformed cursor throws InvalidCursorError, itself a 400 naming `cursor`.
    const page = await traces.listTraces(query);
    return { data: page.data, next_cursor: page.nextCursor };
  });

  app.get<{ Params: { id: string } }>('/api/traces/:id', async (request) => {
    const found = await traces.getTrace(request.params.id);
    if (found === null)
      throw new GatewayError('not_found', `No trace with id ${request.params.id}.`, { param: 'id' });
    return found;
  });
}
