/**
 * One sink that hands every recorded trace to several (the bulk writer, the Prometheus metrics, the
 * OTLP exporter). A sink that throws is skipped: `record` must never fail the data plane.
 */
import type { TelemetrySink, TraceEvent } from './model.js';

export function teeSinks(...sinks: TelemetrySink[]): TelemetrySink {
  return {
    record(event: TraceEvent): void {
      for (const sink of sinks) {
        try {
          sink.record(event);
        } catch {
          // Each sink counts and logs its own failures; the others still get the event.
        }
      }
    },
  };
}
