/**
 * What dashboards read beyond the trace list: `GET /api/analytics/aggregate` (time buckets grouped by
 * a dimension) and `GET /api/sessions` / `GET /api/sessions/:id` (conversations and their traces).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TraceAnalytics } from '../../storage/trace-analytics.js';
import type { TraceRepository } from '../../storage/trace-repository.js';
import { aggregate } from '../../telemetry/queries/aggregate.js';
import { parseBody } from '../request-schemas.js';
import { instant } from '../instant.js';
import { withoutUndefined } from './traces.js';

const day = 86_400_000;
// Bounds the rows one aggregate returns: a year at minute buckets would be 525,600 per group.
const maxBuckets = 2_000;

const aggregateQuery = z
  .strictObject({
    from: instant.optional(),
    to: instant.optional(),
    bucket: z.enum(['1m', '5m', '15m', '1h', '6h', '1d']).default('1h'),
    group_by: z
      .enum(['none', 'model', 'provider', 'user', 'source', 'key', 'project', 'prompt_version'])
      .default('none'),
    model: z.string().optional(),
    provider: z.string().optional(),
    user: z.string().optional(),
    source: z.enum(['gateway', 'otlp', 'api']).optional(),
    tenant: z.string().optional(),
    project: z.string().optional(),
  })
  .transform((query, context) => {
    const to = query.to ?? Date.now();
    const from = query.from ?? to - day;
    const bucketMs = bucketSizes[query.bucket];
    if (from >= to) context.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' });
    if ((to - from) / bucketMs > maxBuckets) {
      context.addIssue({
        code: 'custom',
        path: ['bucket'],
        message: `more than ${maxBuckets} buckets: use a larger bucket or a shorter range`,
      });
    }
    return { ...query, from, to, bucketMs };
  });

const bucketSizes = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '1d': day,
};

const sessionsQuery = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  user: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export function registerAnalyticsRoutes(
  app: FastifyInstance,
  analytics: TraceAnalytics,
  traces: TraceRepository,
): void {
  app.get('/api/analytics/aggregate', async (request) => {
    const {
      group_by: groupBy,
      bucket,
      ...query
    } = parseBody<z.output<typeof aggregateQuery>>(aggregateQuery, {
      ...(request.query as object),
    });
    const data = await aggregate(analytics, withoutUndefined({ ...query, groupBy }));
    return { bucket, from: query.from, to: query.to, group_by: groupBy, data };
  });

  app.get('/api/sessions', async (request) => {
    const query = parseBody<z.infer<typeof sessionsQuery>>(sessionsQuery, { ...(request.query as object) });
    return { data: await analytics.listSessions(withoutUndefined(query)) };
  });

  app.get<{ Params: { id: string }; Querystring: { cursor?: string } }>(
    '/api/sessions/:id',
    async (request) => {
      const cursor = request.query.cursor;
      const page = await traces.listTraces({
        session: request.params.id,
        limit: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      return { session_id: request.params.id, data: page.data, next_cursor: page.nextCursor };
    },
  );
}
