/**
 * The request ids this process answered lately, with their trace ids. A trace reaches the store a
 * flush after its response (~100 ms), so a score posted by request id right after the answer would
 * not find it there yet; this map knows it from the moment the trace is handed to the telemetry
 * buffer, which is before the client sees the end of the response. Keyed by tenant and project, so a
 * request id (clients may choose their own) never resolves to another tenant's trace; a reused id
 * resolves to its latest request, as the store lookup does.
 */
import type { TraceRecord } from './model.js';

export interface RecentRequests {
  remember(trace: Pick<TraceRecord, 'id' | 'requestId' | 'tenantId' | 'projectId'>): void;
  /** The trace id of a request this process answered lately, or null. */
  traceIdOf(scope: { tenantId: string; projectId: string }, requestId: string): string | null;
}

/** A bound on memory: well past what a flush interval holds at full load. */
const defaultCapacity = 50_000;

export function createRecentRequests(capacity = defaultCapacity): RecentRequests {
  // A Map iterates in insertion order: deleting before setting keeps the oldest first.
  const traces = new Map<string, string>();
  const keyOf = (tenantId: string | null, projectId: string | null, requestId: string) =>
    `${tenantId ?? ''}\u0000${projectId ?? ''}\u0000${requestId}`;
  return {
    remember(trace) {
      const key = keyOf(trace.tenantId, trace.projectId, trace.requestId);
      traces.delete(key);
      traces.set(key, trace.id);
      if (traces.size > capacity) {
        const oldest = traces.keys().next().value;
        if (oldest !== undefined) traces.delete(oldest);
      }
    },
    traceIdOf(scope, requestId) {
      return traces.get(keyOf(scope.tenantId, scope.projectId, requestId)) ?? null;
    },
  };
}
