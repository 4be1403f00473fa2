/**
 * When to retry the same target, and after how long: exponential backoff with full jitter (a random
 * wait between 0 and min(max_delay, initial × multiplier^retry), AWS's recommendation against
 * synchronized retry storms), never shorter than the upstream's `retry-after` when there is one, and
 * never past the request deadline. A `retry-after` longer than `max_retry_after_ms` is not waited for:
 * the request falls over to the next target instead.
 */
import type { RetryConfig } from '../config/routing-schema.js';
import type { UpstreamCallError } from '../providers/shared/upstream-error.js';

/** The full-jitter wait before retry number `retry` (0 for the first retry). */
export function backoffDelay(retry: number, policy: RetryConfig, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.max_delay_ms, policy.initial_delay_ms * policy.multiplier ** retry);
  return random() * ceiling;
}

/**
 * The wait before retrying `error` on the same target after `attempts` attempts, or null when the
 * target should not be retried (attempts used up, a retry-after too long, or no time left).
 */
export function retryDelay(
  error: UpstreamCallError,
  attempts: number,
  policy: RetryConfig,
  remainingMs: number,
  random: () => number = Math.random,
): number | null {
  if (attempts >= policy.max_attempts) return null;
  let delay = backoffDelay(attempts - 1, policy, random);
  if (policy.respect_retry_after && error.retryAfterSeconds !== undefined) {
    const retryAfterMs = error.retryAfterSeconds * 1000;
    if (retryAfterMs > policy.max_retry_after_ms) return null;
    delay = Math.max(delay, retryAfterMs);
  }
  return delay < remainingMs ? delay : null;
}
