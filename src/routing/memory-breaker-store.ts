/** Breaker trips in this process only: the store without `storage.redis_url`. */
import type { BreakerStore } from './breaker-store.js';

export function createMemoryBreakerStore(): BreakerStore {
  const trips = new Map<string, number>();
  return {
    kind: 'memory',
    openUntil: (key) => trips.get(key) ?? 0,
    trip: (key, until) => void trips.set(key, until),
    reset: (key) => void trips.delete(key),
    close: () => Promise.resolve(),
  };
}
