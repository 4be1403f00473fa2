/**
 * Where circuit-breaker trips live. Types only. Reads are always local (a map lookup on the request
 * path, never a round trip); the Redis store also publishes trips and closes so every replica's local
 * copy follows within milliseconds, and loads the open ones at start-up.
 */

export interface BreakerStore {
  /** Epoch ms until which `key` is open; 0 when closed. Local, never I/O. */
  openUntil(key: string): number;
  /** Opens `key` until `until` (epoch ms), here and, when shared, on every replica. */
  trip(key: string, until: number): void;
  /** Closes `key` (a half-open probe succeeded). */
  reset(key: string): void;
  /** Where the state is kept: `memory` (this process) or `redis` (shared). */
  readonly kind: 'memory' | 'redis';
  close(): Promise<void>;
}
