/**
 * Builders of valid telemetry records for tests: every field set, any of them overridable. Ids are
 * derived from a counter so tests stay deterministic and readable.
 */
import type { ObservationRecord, TraceEvent, TraceRecord } from '../../telemetry/model.js';

let sequence = 0;

/** A 32-hex-character trace id, or 16 for spans; unique per call within a process. */
export function nextId(length: 32 | 16 = 32): string {
  sequence += 1;
  return sequence.toString(16).padStart(length, '0');
}

export function makeTrace(overrides: Partial<TraceRecord> = {}): TraceRecord {
  const startTime = overrides.startTime ?? 1_750_000_000_000;
  return {
    id: nextId(),
    requestId: `req-${sequence}`,
    startTime,
    endTime: startTime + 420,
    durationMs: 420,
    endpoint: 'chat.completions',
    model: 'gpt-4o-mini',
    provider: 'openai-main',
    providerType: 'openai',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    status: 'ok',
    httpStatus: 200,
    stream: false,
    user: 'user-1',
    usage: { inputTokens: 12, outputTokens: 30, totalTokens: 42, cachedInputTokens: 0, estimated: false },
    cost: 0.0000198,
    ttftMs: null,
    errorType: null,
    errorMessage: null,
    metadata: null,
    input: [{ role: 'user', content: 'Hello' }],
    output: { role: 'assistant', content: 'Hi there' },
    warnings: [],
    tenantId: 'default',
    projectId: 'default',
    keyId: null,
    source: 'gateway',
    name: null,
    sessionId: null,
    tags: [],
    cacheHit: null,
    guardrailTriggered: null,
    prompt: null,
    ...overrides,
  };
}

export function makeObservation(
  traceId: string,
  overrides: Partial<ObservationRecord> = {},
): ObservationRecord {
  const startTime = overrides.startTime ?? 1_750_000_000_010;
  return {
    id: nextId(16),
    traceId,
    parentId: null,
    type: 'generation',
    name: 'attempt 1',
    startTime,
    endTime: startTime + 400,
    latencyMs: 400,
    ttftMs: null,
    provider: 'openai-main',
    model: 'gpt-4o-mini-2024-07-18',
    status: 'ok',
    httpStatus: 200,
    usage: { inputTokens: 12, outputTokens: 30, totalTokens: 42, cachedInputTokens: null, estimated: false },
    cost: 0.0000198,
    errorMessage: null,
    attributes: {},
    ...overrides,
  };
}

/** A trace with one generation observation. */
export function makeEvent(overrides: Partial<TraceRecord> = {}): TraceEvent {
  const trace = makeTrace(overrides);
  return { trace, observations: [makeObservation(trace.id, { startTime: trace.startTime + 5 })] };
}
