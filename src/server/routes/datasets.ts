/**
 * `/api/datasets`: versioned eval datasets for the UI and scripts — list, create, read a version's
 * items, add items (a new version), export as JSONL or CSV, create items from traces, delete.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDatasetFile } from '../../evals/datasets/dataset-files.js';
import { datasetItemSchema } from '../../evals/datasets/dataset-item.js';
import { traceToDatasetItem } from '../../evals/datasets/trace-content.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { DatasetRepository } from '../../storage/dataset-repository.js';
import type { TraceRepository } from '../../storage/trace-repository.js';
import type { TraceRecord } from '../../telemetry/model.js';
import type { EvalScope } from '../../evals/records.js';
import { scopeOf } from '../../tenancy/roles.js';
import { principalOf } from '../auth.js';
import { controlPlaneScope } from '../control-plane-scope.js';
import { parseBody } from '../request-schemas.js';

const datasetName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'use letters, digits, ".", "_" or "-"');

const createBody = z.strictObject({
  name: datasetName,
  description: z.string().optional(),
  items: z.array(datasetItemSchema).default([]),
});

const addItemsBody = z.strictObject({
  items: z.array(datasetItemSchema).min(1),
  replace: z.boolean().default(false),
  note: z.string().optional(),
});

const versionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
const exportQuery = versionQuery.extend({ format: z.enum(['jsonl', 'csv']).default('jsonl') });

const fromTracesBody = z
  .strictObject({
    trace_ids: z.array(z.string().min(1)).min(1).optional(),
    filter: z
      .strictObject({
        model: z.string().optional(),
        status: z.enum(['ok', 'error', 'cancelled']).optional(),
        user: z.string().optional(),
        from: z.number().int().optional(),
        to: z.number().int().optional(),
        limit: z.number().int().min(1).max(100).default(20),
      })
      .optional(),
    note: z.string().optional(),
  })
  .refine((body) => (body.trace_ids === undefined) !== (body.filter === undefined), {
    message: 'give either trace_ids or filter',
    path: ['trace_ids'],
  });

/**
 * Datasets live in the caller's tenant and project; traces turned into items must be the caller's too
 * (another tenant's trace is unknown, 404).
 */
export function registerDatasetRoutes(
  app: FastifyInstance,
  datasetsIn: (scope: EvalScope) => DatasetRepository,
  traces: TraceRepository,
): void {
  const read = (request: FastifyRequest) => datasetsIn(controlPlaneScope(request, 'evals.read'));
  const write = (request: FastifyRequest) => datasetsIn(controlPlaneScope(request, 'evals.write'));

  const notFound = (name: string, version?: number): GatewayError =>
    new GatewayError(
      'not_found',
      `No dataset ${name}${version === undefined ? '' : ` version ${version}`}.`,
      { param: 'name' },
    );

  app.get('/api/datasets', async (request) => ({ data: await read(request).listDatasets() }));

  app.post('/api/datasets', async (request, reply) => {
    const datasets = write(request);
    const body = parseBody<z.infer<typeof createBody>>(createBody, request.body);
    if ((await datasets.getDataset(body.name)) !== null) {
      throw new GatewayError(
        'invalid_request',
        `A dataset named ${body.name} exists; add items to it instead.`,
        { param: 'name' },
      );
    }
    const version = await datasets.addItems(body.name, body.items, {
      ...(body.description === undefined ? {} : { description: body.description }),
      note: 'created',
    });
    return reply.code(201).send({ dataset: await datasets.getDataset(body.name), version });
  });

  app.get<{ Params: { name: string } }>('/api/datasets/:name', async (request) => {
    const datasets = read(request);
    const dataset = await datasets.getDataset(request.params.name);
    if (dataset === null) throw notFound(request.params.name);
    return { ...dataset, versions: await datasets.listVersions(request.params.name) };
  });

  app.get<{ Params: { name: string } }>('/api/datasets/:name/items', async (request) => {
    const datasets = read(request);
    const query = parseBody<z.infer<typeof versionQuery>>(versionQuery, { ...(request.query as object) });
    const found = await datasets.getItems(request.params.name, query.version);
    if (found === null) throw notFound(request.params.name, query.version);
    return { version: found.version, data: found.items };
  });

  app.post<{ Params: { name: string } }>('/api/datasets/:name/items', async (request, reply) => {
    const datasets = write(request);
    const body = parseBody<z.infer<typeof addItemsBody>>(addItemsBody, request.body);
    if ((await datasets.getDataset(request.params.name)) === null) throw notFound(request.params.name);
    const version = await datasets.addItems(request.params.name, body.items, {
      replace: body.replace,
      ...(body.note === undefined ? {} : { note: body.note }),
    });
    return reply.code(201).send(version);
  });

  app.get<{ Params: { name: string } }>('/api/datasets/:name/export', async (request, reply) => {
    const datasets = read(request);
    const query = parseBody<z.infer<typeof exportQuery>>(exportQuery, { ...(request.query as object) });
    const found = await datasets.getItems(request.params.name, query.version);
    if (found === null) throw notFound(request.params.name, query.version);
    return reply
      .header(
        'content-type',
        query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      )
      .header(
        'content-disposition',
        `attachment; filename="${request.params.name}-v${found.version}.${query.format}"`,
      )
      .send(formatDatasetFile(found.items, query.format));
  });

  app.post<{ Params: { name: string } }>('/api/datasets/:name/from-traces', async (request, reply) => {
    const datasets = write(request);
    const traceScope = scopeOf(principalOf(request));
    const name = datasetName.safeParse(request.params.name);
    if (!name.success)
      throw new GatewayError(
        'invalid_request',
        `Invalid dataset name: ${name.error.issues[0]?.message ?? ''}`,
        { param: 'name' },
      );
    const body = parseBody<z.infer<typeof fromTracesBody>>(fromTracesBody, request.body);
    let found: TraceRecord[];
    if (body.trace_ids !== undefined) {
      found = [];
      for (const id of body.trace_ids) {
        const detail = await traces.getTrace(id, traceScope);
        if (detail === null)
          throw new GatewayError('not_found', `No trace with id ${id}.`, { param: 'trace_ids' });
        found.push(detail.trace);
      }
    } else {
      const filter = body.filter ?? { limit: 20 };
      found = (await traces.listTraces({ ...filter, scope: traceScope })).data;
    }
    if (found.length === 0)
      throw new GatewayError('not_found', 'No trace matched the filter.', { param: 'filter' });
    const version = await datasets.addItems(name.data, found.map(traceToDatasetItem), {
      note: body.note ?? `from ${found.length} trace(s)`,
    });
    return reply.code(201).send(version);
  });

  app.delete<{ Params: { name: string } }>('/api/datasets/:name', async (request, reply) => {
    const datasets = write(request);
    if (!(await datasets.deleteDataset(request.params.name))) throw notFound(request.params.name);
    return reply.code(204).send();
  });
}
