/**
 * Ingestion of app spans: OTLP export requests and JSON batches become telemetry events handed to the
 * bulk writer, the same path (and the same redaction, retention and queries) as the gateway's traces.
 */
import type { PriceCatalog } from '../../usage/price-catalog.js';
import type { TelemetryEvent } from '../model.js';
import { mapOtlpSpan } from './map-otlp-span.js';
import { readJsonBatch, type BatchItemResult } from './read-json-batch.js';
import { readOtlpRequest } from './read-otlp-request.js';
import { createTraceAssembler, type TraceOwner } from './spans-to-events.js';

export interface IngestionOptions {
  record: (event: TelemetryEvent) => void;
  prices: PriceCatalog;
  captureContent: boolean;
  /** Counts accepted and rejected spans (Prometheus). */
  countSpans?: (result: 'accepted' | 'rejected', count: number) => void;
}

/** OTLP partial success: how many spans were refused and why. */
export interface OtlpIngestResult {
  accepted: number;
  rejectedSpans: number;
  errorMessage: string | null;
}

export interface Ingestion {
  /** Reads an export request in the OTLP/JSON shape (protobuf bodies are decoded into it first). */
  ingestOtlp(body: unknown, owner: TraceOwner): OtlpIngestResult;
  ingestBatch(items: unknown[], owner: TraceOwner): BatchItemResult[];
}

// Enough reasons to fix a broken exporter; the count says how many more there were.
const reasonsReported = 5;

export function createIngestion(options: IngestionOptions): Ingestion {
  const assembler = createTraceAssembler();
  const store = (events: TelemetryEvent[]): void => {
    for (const event of events) options.record(event);
  };

  function ingestOtlp(body: unknown, owner: TraceOwner): OtlpIngestResult {
    const { spans, rejected } = readOtlpRequest(body);
    store(
      assembler.assemble(spans.map(mapOtlpSpan), {
        prices: options.prices,
        captureContent: options.captureContent,
        source: 'otlp',
        owner,
      }),
    );
    options.countSpans?.('accepted', spans.length);
    options.countSpans?.('rejected', rejected.length);
    const errorMessage =
      rejected.length === 0
        ? null
        : rejected
            .slice(0, reasonsReported)
            .map((span) => `${span.path}: ${span.reason}`)
            .join('; ') +
          (rejected.length > reasonsReported ? ` (and ${rejected.length - reasonsReported} more)` : '');
    return { accepted: spans.length, rejectedSpans: rejected.length, errorMessage };
  }

  function ingestBatch(items: unknown[], owner: TraceOwner): BatchItemResult[] {
    const { spans, results } = readJsonBatch(items);
    store(
      assembler.assemble(spans, {
        prices: options.prices,
        captureContent: options.captureContent,
        source: 'api',
        owner,
      }),
    );
    options.countSpans?.('accepted', spans.length);
    options.countSpans?.('rejected', results.length - spans.length);
    return results;
  }

  return { ingestOtlp, ingestBatch };
}
