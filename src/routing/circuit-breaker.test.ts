import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { createMemoryBreakerStore } from './memory-breaker-store.js';

const config = { enabled: true, window_ms: 10_000, min_requests: 4, error_rate: 0.5, cooldown_ms: 1_000 };

describe('circuit breaker', () => {
  it('opens at the error rate once enough attempts were made, and only then', () => {
    const breaker = new CircuitBreaker('p/m', config, createMemoryBreakerStore());
    breaker.recordSuccess(0, 'pass');
    expect(breaker.recordFailure(1, 'pass')).toBe(false);
    expect(breaker.recordFailure(2, 'pass')).toBe(false);
    expect(breaker.state(2)).toBe('closed');
    expect(breaker.recordFailure(3, 'pass')).toBe(true);
    expect(breaker.state(4)).toBe('open');
    expect(breaker.acquire(500)).toBeNull();
  });

  it('forgets failures older than the window', () => {
    const breaker = new CircuitBreaker('p/m', config, createMemoryBreakerStore());
    for (let index = 0; index < 3; index++) breaker.recordFailure(index, 'pass');
    expect(breaker.recordFailure(20_000, 'pass')).toBe(false);
  });

  it('lets exactly one probe through when half-open; its outcome closes or reopens', () => {
    const breaker = new CircuitBreaker('p/m', config, createMemoryBreakerStore());
    for (let index = 0; index < 4; index++) breaker.recordFailure(0, 'pass');
    expect(breaker.state(1_000)).toBe('half-open');
    expect(breaker.acquire(1_000)).toBe('probe');
    expect(breaker.acquire(1_001)).toBeNull();
    expect(breaker.recordFailure(1_002, 'probe')).toBe(true);
    expect(breaker.state(1_500)).toBe('open');
    expect(breaker.acquire(2_002)).toBe('probe');
    breaker.recordSuccess(2_003, 'probe');
    expect(breaker.state(2_004)).toBe('closed');
    expect(breaker.acquire(2_004)).toBe('pass');
    expect(breaker.snapshot(2_004)).toMatchObject({ state: 'closed', trips: 2, attempts: 0 });
  });

  it('releases an abandoned probe so the next request probes', () => {
    const breaker = new CircuitBreaker('p/m', config, createMemoryBreakerStore());
    for (let index = 0; index < 4; index++) breaker.recordFailure(0, 'pass');
    const probe = breaker.acquire(1_000);
    expect(probe).toBe('probe');
    breaker.release('probe');
    expect(breaker.acquire(1_001)).toBe('probe');
  });

  it('tells its listener each transition once: open, half-open, open again, half-open, closed', () => {
    const told: string[] = [];
    const breaker = new CircuitBreaker('p/m', config, createMemoryBreakerStore(), (key, state) =>
      told.push(`${key} ${state}`),
    );
    for (let index = 0; index < 4; index++) breaker.recordFailure(0, 'pass');
    breaker.acquire(1_000);
    breaker.release('probe');
    breaker.acquire(1_001);
    breaker.recordFailure(1_002, 'probe');
    breaker.acquire(2_002);
    breaker.recordSuccess(2_003, 'probe');
    breaker.recordSuccess(2_004, 'pass');
    expect(told).toEqual(['p/m open', 'p/m half-open', 'p/m open', 'p/m half-open', 'p/m closed']);
  });
});
