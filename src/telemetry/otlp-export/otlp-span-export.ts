/**
 * OTLP export of the gateway's own spans (`telemetry.otlp_export`): a `TelemetrySink` beside the bulk
 * writer. `record` only queues the request's event (the data plane pays one array push); a queue of
 * its own — the bulk writer's, with a bound, batches, drop-and-count of the oldest, retries with
 * backoff, and a final flush on close — turns batches into spans (trace-to-spans.ts) and sends them
 * with the official OTLP/HTTP protobuf exporter. A slow or dead collector costs queued memory up to
 * `max_queue` and nothing else; it never delays a request and never fails `/ready`.
 */
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { OtlpExportConfig } from '../../config/otlp-export-schema.js';
import { createBulkWriter, type BulkWriterLogger, type BulkWriterStats } from '../bulk-writer.js';
import type { TelemetrySink, TraceEvent } from '../model.js';
import { traceToSpans } from './trace-to-spans.js';

export interface OtlpSpanExport extends TelemetrySink {
  /** Requests queued, exported (`written`), dropped, failed export attempts. */
  stats(): BulkWriterStats;
  /** Exports what is queued, then stops (later events are dropped and counted). */
  close(): Promise<void>;
}

export interface OtlpSpanExportOptions {
  config: OtlpExportConfig;
  logger?: BulkWriterLogger;
}

/**
 * @example
 * const otlp = createOtlpSpanExport({ config: config.telemetry.otlp_export, logger });
 * const sink = teeSinks(writer, metrics, otlp);
 * onShutdown(() => otlp.close());
 */
export function createOtlpSpanExport(options: OtlpSpanExportOptions): OtlpSpanExport {
  const { config, logger } = options;
  const exporter = new OTLPTraceExporter({
    url: config.endpoint,
    headers: config.headers,
    timeoutMillis: config.timeout_ms,
  });
  const resource = resourceFromAttributes({ 'service.name': config.service_name });
  const scope = { name: 'gatehouse' };
  let rejectedBatches = 0;

  function exportBatch(events: TraceEvent[]): Promise<void> {
    const spans = events.flatMap((event) => traceToSpans(event, resource, scope));
    return new Promise((resolve, reject) => {
      exporter.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) return resolve();
        const error = result.error ?? new Error('OTLP export failed');
        // The collector refused the content itself (4xx other than 429): sending it again cannot help.
        if (isPermanent(error)) {
          rejectedBatches += 1;
          logger?.warn(
            { error: error.message, spans: spans.length, rejectedBatches },
            'OTLP collector refused a batch of spans; it is dropped',
          );
          return resolve();
        }
        reject(error);
      });
    });
  }

  const queue = createBulkWriter<TraceEvent>({
    write: exportBatch,
    flushIntervalMs: config.flush_interval_ms,
    batchSize: config.batch_size,
    maxQueue: config.max_queue,
    closeTimeoutMs: config.timeout_ms,
    ...(logger === undefined ? {} : { logger }),
  });

  return {
    record: (event) => queue.record(event),
    stats: () => queue.stats(),
    async close() {
      await queue.close();
      await exporter.shutdown();
    },
  };
}

function isPermanent(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' && code >= 400 && code < 500 && code !== 408 && code !== 429;
}
