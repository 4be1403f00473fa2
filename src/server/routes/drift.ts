/**
 * `GET /api/drift`: an ad-hoc drift report — for a configured monitor (`monitor=name`: its filter,
 * grouping, windows and thresholds) or for a filter and windows given in the query — scoped to the
 * caller's traces like `/api/traces`. Windows are durations back from now (`recent=1d`,
 * `reference_window=7d`, `reference_offset=1d`) or explicit instants (`recent_from`…`reference_to`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { duration } from '../../config/alert-rule.js';
import {
  driftGroupings,
  driftMonitorSchema,
  driftSignals,
  driftThresholdsSchema,
  type DriftMonitor,
} from '../../config/drift-monitor.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { requirePermission, scopeOf } from '../../tenancy/roles.js';
import { monitorWindows, type DriftReporter, type DriftWindow } from '../../telemetry/drift/drift-reports.js';
import { principalOf } from '../auth.js';
import { instant } from '../instant.js';
import { parseBody } from '../request-schemas.js';

const threshold = z.coerce.number().positive().optional();

const driftQuery = z
  .strictObject({
    monitor: z.string().optional(),
    group_by: z.enum(driftGroupings).optional(),
    model: z.string().optional(),
    provider: z.string().optional(),
    source: z.enum(['gateway', 'otlp', 'api']).optional(),
    prompt: z.string().optional(),
    tenant: z.string().optional(),
    project: z.string().optional(),
    recent: duration.optional(),
    reference_window: duration.optional(),
    reference_offset: duration.optional(),
    recent_from: instant.optional(),
    recent_to: instant.optional(),
    reference_from: instant.optional(),
    reference_to: instant.optional(),
    signals: z
      .string()
      .transform((value) => value.split(',').map((signal) => signal.trim()))
      .pipe(z.array(z.enum(driftSignals)).min(1))
      .optional(),
    min_samples: z.coerce.number().int().positive().optional(),
    ...Object.fromEntries(driftSignals.map((signal) => [`threshold_${signal}`, threshold])),
  })
  .superRefine((query, context) => {
    const explicit = [query.recent_from, query.recent_to, query.reference_from, query.reference_to];
    const given = explicit.filter((value) => value !== undefined).length;
    if (given !== 0 && given !== 4) {
      context.addIssue({
        code: 'custom',
        path: ['recent_from'],
        message: 'give all four of recent_from, recent_to, reference_from, reference_to, or none',
      });
    }
    if (
      query.recent_from !== undefined &&
      query.recent_to !== undefined &&
      query.recent_from >= query.recent_to
    )
      context.addIssue({
        code: 'custom',
        path: ['recent_from'],
        message: 'recent_from must be before recent_to',
      });
    if (
      query.reference_from !== undefined &&
      query.reference_to !== undefined &&
      query.reference_from >= query.reference_to
    )
      context.addIssue({
        code: 'custom',
        path: ['reference_from'],
        message: 'reference_from must be before reference_to',
      });
  });

type DriftQuery = z.output<typeof driftQuery> & Partial<Record<`threshold_${string}`, number>>;

export function registerDriftRoutes(
  app: FastifyInstance,
  reporter: DriftReporter,
  monitors: readonly DriftMonitor[],
  now: () => number,
): void {
  app.get('/api/drift', async (request) => {
    const principal = principalOf(request);
    requirePermission(principal, 'usage.read');
    const query = parseBody<DriftQuery>(driftQuery, { ...(request.query as object) });
    const base =
      query.monitor === undefined ? null : monitors.find((monitor) => monitor.name === query.monitor);
    if (base === undefined) {
      throw new GatewayError('not_found', `No drift monitor named ${query.monitor}.`, { param: 'monitor' });
    }
    const spec = specOf(query, base);
    const windows = windowsOf(query, spec, now());
    const reports = await reporter.reports(spec, windows, scopeOf(principal));
    return {
      monitor: base?.name ?? null,
      group_by: spec.group_by,
      filter: spec.filter,
      reference: windows.reference,
      recent: windows.recent,
      min_samples: spec.min_samples,
      drifted: reports.some((report) => report.drifted),
      data: reports,
    };
  });
}

/** A monitor's settings with the query's overrides, or the defaults of a new monitor. */
function specOf(query: DriftQuery, base: DriftMonitor | null): DriftMonitor {
  const defaults = base ?? driftMonitorSchema.parse({ name: 'ad-hoc', group_by: 'none' });
  const filter = { ...defaults.filter };
  for (const key of ['model', 'provider', 'source', 'prompt', 'tenant', 'project'] as const) {
    const value = query[key];
    if (value !== undefined) Object.assign(filter, { [key]: value });
  }
  const thresholdOverrides = Object.fromEntries(
    driftSignals.flatMap((signal) => {
      const value = query[`threshold_${signal}`];
      return value === undefined ? [] : [[signal, value]];
    }),
  );
  return {
    ...defaults,
    group_by: query.group_by ?? defaults.group_by,
    filter,
    signals: query.signals ?? defaults.signals,
    min_samples: query.min_samples ?? defaults.min_samples,
    thresholds: driftThresholdsSchema.parse({ ...defaults.thresholds, ...thresholdOverrides }),
    recent: query.recent ?? defaults.recent,
    reference: {
      window: query.reference_window ?? defaults.reference.window,
      offset: query.reference_offset ?? defaults.reference.offset,
    },
  };
}

function windowsOf(
  query: DriftQuery,
  spec: DriftMonitor,
  at: number,
): { reference: DriftWindow; recent: DriftWindow } {
  if (query.recent_from !== undefined && query.reference_from !== undefined) {
    return {
      recent: { from: query.recent_from, to: query.recent_to! },
      reference: { from: query.reference_from, to: query.reference_to! },
    };
  }
  return monitorWindows(spec, at);
}
