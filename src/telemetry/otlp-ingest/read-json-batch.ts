/**
 * The simple JSON batch API (`POST /api/ingest`) for apps without OpenTelemetry: a list of spans with
 * Gatehouse field names. Each item is validated alone, so one bad item is reported and the rest stored.
 */
import { z } from 'zod';
import { newSpanId, newTraceId } from '../ids.js';
import type { IngestedSpan } from './ingested-span.js';

const epochMillis = z.union([
  z.number().nonnegative(),
  z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
]);

export const batchItemSchema = z.strictObject({
  trace_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, '32 lowercase hex characters')
    .optional(),
  id: z
    .string()
    .regex(/^[0-9a-f]{16}$/, '16 lowercase hex characters')
    .optional(),
  parent_id: z
    .string()
    .regex(/^[0-9a-f]{16}$/, '16 lowercase hex characters')
    .nullable()
    .optional(),
  type: z
    .enum([
      'span',
      'generation',
      'embedding',
      'retrieval',
      'tool',
      'agent',
      'guardrail',
      'evaluator',
      'event',
    ])
    .default('span'),
  name: z.string().min(1),
  start_time: epochMillis,
  end_time: epochMillis.optional(),
  status: z.enum(['ok', 'error']).default('ok'),
  error_message: z.string().nullable().optional(),
  model: z.string().nullable().optional(),
  provider: z.string().nullable().optional(),
  usage: z
    .strictObject({
      input_tokens: z.number().int().nonnegative().nullable().optional(),
      output_tokens: z.number().int().nonnegative().nullable().optional(),
      cached_input_tokens: z.number().int().nonnegative().nullable().optional(),
    })
    .nullable()
    .optional(),
  cost: z.number().nonnegative().nullable().optional(),
  ttft_ms: z.number().nonnegative().nullable().optional(),
  input: z.unknown().optional(),
  output: z.unknown().optional(),
  user_id: z.string().nullable().optional(),
  session_id: z.string().nullable().optional(),
  tags: z.array(z.string()).default([]),
  metadata: z.record(z.string(), z.unknown()).default({}),
});

export type BatchItem = z.infer<typeof batchItemSchema>;

export type BatchItemResult =
  | { index: number; status: 'accepted'; trace_id: string; id: string }
  | { index: number; status: 'rejected'; error: string; param: string | null };

/** Validates each item; returns the spans to store and one result per item, in order. */
export function readJsonBatch(items: unknown[]): { spans: IngestedSpan[]; results: BatchItemResult[] } {
  const spans: IngestedSpan[] = [];
  const results: BatchItemResult[] = [];
  items.forEach((item, index) => {
    const parsed = batchItemSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue === undefined || issue.path.length === 0 ? null : issue.path.join('.');
      results.push({ index, status: 'rejected', error: issue?.message ?? 'invalid item', param });
      return;
    }
    const span = toSpan(parsed.data);
    if (span.endTime < span.startTime) {
      results.push({ index, status: 'rejected', error: 'end_time is before start_time', param: 'end_time' });
      return;
    }
    spans.push(span);
    results.push({ index, status: 'accepted', trace_id: span.traceId, id: span.spanId });
  });
  return { spans, results };
}

function toSpan(item: BatchItem): IngestedSpan {
  const usage = item.usage ?? null;
  const inputTokens = usage?.input_tokens ?? null;
  const outputTokens = usage?.output_tokens ?? null;
  return {
    traceId: item.trace_id ?? newTraceId(item.start_time),
    spanId: item.id ?? newSpanId(),
    parentSpanId: item.parent_id ?? null,
    name: item.name,
    type: item.type,
    startTime: item.start_time,
    endTime: item.end_time ?? item.start_time,
    status: item.status,
    errorMessage: item.error_message ?? null,
    model: item.model ?? null,
    provider: item.provider ?? null,
    usage:
      usage === null
        ? null
        : {
            inputTokens,
            outputTokens,
            totalTokens:
              inputTokens === null && outputTokens === null ? null : (inputTokens ?? 0) + (outputTokens ?? 0),
            cachedInputTokens: usage.cached_input_tokens ?? null,
            estimated: false,
          },
    reportedCost: item.cost ?? null,
    ttftMs: item.ttft_ms ?? null,
    input: item.input ?? null,
    output: item.output ?? null,
    userId: item.user_id ?? null,
    sessionId: item.session_id ?? null,
    tags: item.tags,
    attributes: item.metadata,
  };
}
