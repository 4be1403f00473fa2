/**
 * An end user's data (GDPR-style requests): `GET /api/users/:id/data` exports every trace with the
 * user's id and its observations; `DELETE /api/users/:id/data` erases them.
 */
import type { FastifyInstance } from 'fastify';
import type { TraceRetention } from '../../storage/trace-retention.js';

export function registerUserDataRoutes(
  app: FastifyInstance,
  retention: TraceRetention,
  flush: () => Promise<void>,
): void {
  app.get<{ Params: { id: string } }>('/api/users/:id/data', async (request) => ({
    user: request.params.id,
    traces: await retention.exportUserData(request.params.id),
  }));

  app.delete<{ Params: { id: string } }>('/api/users/:id/data', async (request) => {
    // Traces still buffered would be written after the deletion and survive it.
    await flush();
    return { user: request.params.id, deleted_traces: await retention.deleteUserData(request.params.id) };
  });
}
