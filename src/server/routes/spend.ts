/** `GET /api/spend?group_by=key|project|tenant|model&from&to`: recorded cost, scoped to the caller. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SpendQuery, SpendRow } from '../../storage/spend-repository.js';
import { spendGroups } from '../../storage/spend-repository.js';
import { requirePermission, scopeOf } from '../../tenancy/roles.js';
import { principalOf } from '../auth.js';
import { instant } from '../instant.js';
import { parseBody } from '../request-schemas.js';

const spendQuery = z.strictObject({
  group_by: z.enum(Object.keys(spendGroups) as [keyof typeof spendGroups]).default('key'),
  from: instant.optional(),
  to: instant.optional(),
});

export function registerSpendRoute(
  app: FastifyInstance,
  querySpend: (query: SpendQuery) => Promise<SpendRow[]>,
): void {
  app.get('/api/spend', async (request) => {
    const principal = principalOf(request);
    requirePermission(principal, 'usage.read');
    const query = parseBody<z.infer<typeof spendQuery>>(spendQuery, { ...(request.query as object) });
    const data = await querySpend({
      groupBy: query.group_by,
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      scope: scopeOf(principal),
    });
    const total = data.reduce((sum, row) => sum + row.spend_usd, 0);
    return {
      group_by: query.group_by,
      from: query.from ?? null,
      to: query.to ?? null,
      total_usd: total,
      data,
    };
  });
}
