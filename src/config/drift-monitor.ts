/**
 * The drift monitor format (`drift.monitors` in `gatehouse.yaml`): which traffic is watched, per what
 * group, which recent window is compared with which reference window, and the threshold of each
 * signal. A drifted group raises an alert through the alert engine (same states, history, webhooks).
 */
import { z } from 'zod';
import { duration } from './alert-rule.js';

/** The signals a drift report holds, in the order reports list them. */
export const driftSignals = [
  'input_embedding',
  'input_length',
  'output_length',
  'language',
  'refusal',
  'tool_calls',
] as const;
export type DriftSignal = (typeof driftSignals)[number];

const psiThreshold = (what: string) =>
  z
    .number()
    .positive()
    .default(0.2)
    .describe(`PSI of ${what} above which it counts as drifted (0.2: the conventional "significant shift").`);

export const driftThresholdsSchema = z
  .strictObject({
    input_embedding: z
      .number()
      .positive()
      .max(2)
      .default(0.05)
      .describe(
        "Cosine distance between the two windows' mean input embeddings above which inputs drifted in meaning. Measured with the local embedder: two samples of the same traffic 0.004–0.027 (200 down to 30 inputs), half the traffic on a new topic 0.21, the same questions in French 0.80 (docs/observability.md).",
      ),
    input_length: psiThreshold('input length (tokens)'),
    output_length: psiThreshold('output length (tokens)'),
    language: psiThreshold('the language mix of inputs'),
    refusal: psiThreshold('the refused / answered split of outputs'),
    tool_calls: psiThreshold('the with / without tool calls split of outputs'),
  })
  .describe('Threshold per signal.');

export type DriftThresholds = z.output<typeof driftThresholdsSchema>;

export const driftFilterSchema = z
  .strictObject({
    model: z.string().optional().describe('Model (route) name the client asked for.'),
    provider: z.string().optional().describe('Provider id that answered.'),
    source: z.enum(['gateway', 'otlp', 'api']).optional().describe('Who wrote the trace.'),
    prompt: z.string().optional().describe('Prompt name the trace was rendered from.'),
    tenant: z.string().optional().describe('Tenant id of the caller (default: every tenant).'),
    project: z.string().optional().describe('Project id of the caller (default: every project).'),
  })
  .describe('Only traces matching these fields count.');

export type DriftFilter = z.output<typeof driftFilterSchema>;

export const driftGroupings = ['none', 'model', 'prompt', 'prompt_version'] as const;
export type DriftGrouping = (typeof driftGroupings)[number];

export const driftMonitorSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"')
      .describe('Unique name; also the alert name in `/api/alerts` and its history.'),
    group_by: z
      .enum(driftGroupings)
      .default('model')
      .describe(
        'One report (and one alert) per model (route), per prompt name, per prompt name and version, or one for all matching traffic.',
      ),
    filter: driftFilterSchema.default({}),
    recent: duration.default(86_400_000).describe('The recent window, ending now (default `1d`).'),
    reference: z
      .strictObject({
        window: duration.default(604_800_000).describe('Length of the reference window (default `7d`).'),
        offset: duration
          .optional()
          .describe(
            'How far back from now the reference window ends (default: the recent window, so the reference directly precedes it).',
          ),
      })
      .prefault({})
      .describe('The window the recent traffic is compared with.'),
    signals: z
      .array(z.enum(driftSignals))
      .min(1)
      .default([...driftSignals])
      .describe('Signals computed; leave out `input_embedding` to spend no embedding time.'),
    thresholds: driftThresholdsSchema.prefault({}),
    min_samples: z
      .number()
      .int()
      .positive()
      .default(30)
      .describe(
        'Fewest traces (with the data a signal needs) in each window for a signal to be judged; below it the signal is "insufficient data" and never drifts.',
      ),
    every: duration
      .default(3_600_000)
      .describe(
        'How often the reports are recomputed (default `1h`; the alert engine re-reads the last report in between).',
      ),
    for: duration
      .default(0)
      .describe('How long a group must stay drifted before the alert fires (default `0s`).'),
    severity: z.enum(['info', 'warning', 'critical']).default('warning').describe('Passed to notifications.'),
    webhooks: z
      .array(z.string())
      .default([])
      .describe('Ids of `alerts.webhooks` notified when a group starts and stops drifting.'),
    repeat_interval: duration.optional().describe('While firing, notify again this often (default: once).'),
  })
  .describe('A drift monitor.');

export type DriftMonitor = z.output<typeof driftMonitorSchema>;
