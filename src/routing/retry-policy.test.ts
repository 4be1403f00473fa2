import { describe, expect, it } from 'vitest';
import { UpstreamCallError } from '../providers/shared/upstream-error.js';
import { backoffDelay, retryDelay } from './retry-policy.js';

const policy = {
  max_attempts: 4,
  initial_delay_ms: 100,
  max_delay_ms: 1_000,
  multiplier: 2,
  respect_retry_after: true,
  max_retry_after_ms: 5_000,
};
const failure = (retryAfterSeconds?: number) =>
  new UpstreamCallError('busy', {
    kind: 'http',
    provider: 'p',
    status: 429,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });

describe('retry policy', () => {
  it('waits a full-jitter share of an exponentially growing, capped ceiling', () => {
    expect(backoffDelay(0, policy, () => 0.999)).toBeCloseTo(99.9);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(10, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });

  it('honours retry-after, but moves on when it is too long or past the deadline', () => {
    expect(retryDelay(failure(2), 1, policy, 10_000, () => 0)).toBe(2_000);
    expect(retryDelay(failure(6), 1, policy, 10_000)).toBeNull();
    expect(retryDelay(failure(2), 1, policy, 1_500)).toBeNull();
    expect(retryDelay(failure(2), 1, { ...policy, respect_retry_after: false }, 10_000, () => 0)).toBe(0);
  });

  it('stops after max_attempts', () => {
    expect(retryDelay(failure(), 3, policy, Infinity, () => 0.5)).toBe(200);
    expect(retryDelay(failure(), 4, policy, Infinity)).toBeNull();
  });
});
