/**
 * `telemetry.otlp_export`: where the gateway sends its own spans (one per request, children for
 * attempts, cache lookups and guardrail checks) over OTLP/HTTP protobuf, so any OpenTelemetry backend
 * (Jaeger, Tempo, Honeycomb, a collector) shows them inside the app's trace. Off when absent.
 */
import { z } from 'zod';

export const otlpExportSchema = z
  .strictObject({
    endpoint: z
      .url({ protocol: /^https?$/ })
      .describe(
        'OTLP/HTTP traces URL of the collector, path included (e.g. `http://otel-collector:4318/v1/traces`).',
      ),
    headers: z
      .record(z.string(), z.string())
      .default({})
      .describe('Headers sent with every export (e.g. `authorization: Bearer ${OTLP_TOKEN}`).'),
    service_name: z
      .string()
      .min(1)
      .default('gatehouse')
      .describe('`service.name` resource attribute of the exported spans.'),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Longest one export request may take before it counts as failed (and is retried).'),
    flush_interval_ms: z
      .number()
      .int()
      .positive()
      .default(1_000)
      .describe('How often queued requests are exported.'),
    batch_size: z
      .number()
      .int()
      .positive()
      .default(256)
      .describe('Most requests (each with its child spans) per export request.'),
    max_queue: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe(
        'Requests held while the collector is slow or down; beyond this the oldest are dropped and counted (`gatehouse_otlp_export_dropped_total`).',
      ),
  })
  .describe(
    "Export the gateway's own spans to an OpenTelemetry collector (OTLP/HTTP protobuf), honouring the incoming `traceparent`. Off when absent; never on the request path.",
  );

export type OtlpExportConfig = z.infer<typeof otlpExportSchema>;
