/**
 * Redaction of stored content: a `Redactor` turns text into its redacted form, and `redactEvents`
 * applies one to everything a trace stores as content — the trace's input and output, and the input
 * and output of ingested spans — on the bulk writer's path, off the data plane. Metadata (model,
 * tokens, cost, ids) is never touched.
 */
import type { ObservationRecord, TelemetryEvent, TraceRecord } from '../model.js';

export interface Redactor {
  /** The text with every detected secret or personal datum replaced by a placeholder. */
  redact(text: string): string;
}

/** Copies of the events with their content redacted; the originals are left as they were. */
export function redactEvents<Event extends TelemetryEvent>(events: Event[], redactor: Redactor): Event[] {
  return events.map((event) => ({
    ...event,
    trace: event.trace === null ? null : redactTrace(event.trace, redactor),
    observations: event.observations.map((observation) => redactObservation(observation, redactor)),
  }));
}

function redactTrace(trace: TraceRecord, redactor: Redactor): TraceRecord {
  return { ...trace, input: redactValue(trace.input, redactor), output: redactValue(trace.output, redactor) };
}

function redactObservation(observation: ObservationRecord, redactor: Redactor): ObservationRecord {
  const { attributes } = observation;
  if (attributes.input === undefined && attributes.output === undefined) return observation;
  return {
    ...observation,
    attributes: {
      ...attributes,
      input: redactValue(attributes.input, redactor),
      output: redactValue(attributes.output, redactor),
    },
  };
}

/** Every string inside a JSON-like value, redacted; other values as they are. */
export function redactValue(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') return redactor.redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactor));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item, redactor)]));
  }
  return value;
}
