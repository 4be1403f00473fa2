/**
 * The alert rule format, shared by `gatehouse.yaml` (`alerts.rules`) and `POST /api/alerts/rules`:
 * a metric over a trailing window, compared with a fixed threshold or with a multiple of the same
 * metric over an earlier baseline window, held for a while before firing.
 */
import { z } from 'zod';

const durationPattern = /^(\d+)(ms|s|m|h|d)$/;
const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `500ms`, `30s`, `5m`, `1h`, `7d` to milliseconds. */
export const duration = z
  .string()
  .regex(durationPattern, 'use a number and a unit: 500ms, 30s, 5m, 1h, 7d')
  .transform((value) => {
    const [, amount, unit] = durationPattern.exec(value) as unknown as [string, string, keyof typeof unitMs];
    return Number(amount) * unitMs[unit];
  });

export const alertMetrics = [
  'requests',
  'errors',
  'error_rate',
  'cost',
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'ttft_p95_ms',
  'cache_hit_rate',
  'guardrail_trigger_rate',
  'mean_score',
] as const;
export type AlertMetric = (typeof alertMetrics)[number];

/** Metrics that add up over time: a baseline over a longer window is scaled to the rule's window. */
export const additiveMetrics: ReadonlySet<AlertMetric> = new Set(['requests', 'errors', 'cost']);

export const alertRuleSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"')
      .describe('Unique name of the rule.'),
    metric: z.enum(alertMetrics).describe('What is measured over the window.'),
    window: duration.describe('Trailing window the metric is computed over (`5m`).'),
    operator: z.enum(['>', '>=', '<', '<=']).default('>').describe('How the value is compared.'),
    threshold: z
      .number()
      .describe('Fixed threshold; with `baseline`, the factor applied to the baseline value instead.'),
    baseline: z
      .strictObject({
        offset: duration.describe('How far back the baseline window ends (`1d`, `7d` for week over week).'),
        window: duration.optional().describe('Length of the baseline window (default: the rule window).'),
      })
      .optional()
      .describe(
        'Compare with the same metric over an earlier window: fires when value <operator> threshold × baseline.',
      ),
    for: duration
      .default(0)
      .describe('How long the condition must hold before the alert fires (pending until then).'),
    min_requests: z
      .number()
      .int()
      .min(0)
      .default(1)
      .describe('Windows with fewer requests are not evaluated (too little data to judge).'),
    filter: z
      .strictObject({
        model: z.string().optional(),
        provider: z.string().optional(),
        source: z.enum(['gateway', 'otlp', 'api']).optional(),
      })
      .default({})
      .describe('Only traces matching these fields count.'),
    severity: z.enum(['info', 'warning', 'critical']).default('warning').describe('Passed to notifications.'),
    webhooks: z
      .array(z.string())
      .default([])
      .describe('Ids of `alerts.webhooks` notified on firing and resolving.'),
    repeat_interval: duration.optional().describe('While firing, notify again this often (default: once).'),
  })
  .describe('An alert rule.');

/** The rule as written (durations as text); what the API stores and returns. */
export type AlertRuleInput = z.input<typeof alertRuleSchema>;
export type AlertRule = z.output<typeof alertRuleSchema>;
