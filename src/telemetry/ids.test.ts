import { describe, expect, it } from 'vitest';
import { newSpanId, newTraceId, parseTraceparent } from './ids.js';

describe('trace and span ids', () => {
  it('are lowercase hex of W3C lengths and never repeat', () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    for (let index = 0; index < 5_000; index++) {
      const trace = newTraceId();
      const span = newSpanId();
      expect(trace).toMatch(/^[0-9a-f]{32}$/);
      expect(span).toMatch(/^[0-9a-f]{16}$/);
      traces.add(trace);
      spans.add(span);
    }
    expect(traces.size).toBe(5_000);
    expect(spans.size).toBe(5_000);
  });

  it('orders trace ids by creation time, so stores append instead of inserting at random pages', () => {
    const earlier = newTraceId(1_760_000_000_000);
    const later = newTraceId(1_760_000_000_001);
    expect(earlier < later).toBe(true);
    expect(earlier.slice(0, 12)).toBe((1_760_000_000_000).toString(16).padStart(12, '0'));
  });

  it('keeps the random part random (not all zeros, differs between ids of the same millisecond)', () => {
    const a = newTraceId(1);
    const b = newTraceId(1);
    expect(a.slice(0, 12)).toBe(b.slice(0, 12));
    expect(a.slice(12)).not.toBe(b.slice(12));
    expect(a.slice(12)).not.toMatch(/^0+$/);
  });
});

describe('parseTraceparent', () => {
  it('reads version 00 headers and ignores invalid or all-zero ids', () => {
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
    });
    expect(parseTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeNull();
    expect(parseTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01')).toBeNull();
    expect(parseTraceparent('garbage')).toBeNull();
    expect(parseTraceparent(undefined)).toBeNull();
  });
});
