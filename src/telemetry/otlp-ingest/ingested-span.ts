/**
 * A span from an app, whatever it came in (OTLP with GenAI or OpenInference attributes, or the JSON
 * batch API), in the one shape the trace builder reads. Types only.
 */
import type { ObservationType, TokenUsage, TraceStatus } from '../model.js';

export interface IngestedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  type: ObservationType;
  /** Epoch ms. */
  startTime: number;
  endTime: number;
  status: TraceStatus;
  errorMessage: string | null;
  model: string | null;
  provider: string | null;
  usage: TokenUsage | null;
  /** USD the app reported; null to compute it from the price catalog. */
  reportedCost: number | null;
  ttftMs: number | null;
  input: unknown;
  output: unknown;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  /** Everything else worth keeping (remaining attributes, service name). */
  attributes: Record<string, unknown>;
}
