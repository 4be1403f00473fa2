/**
 * One circuit breaker per target. Closed: attempts are counted over a rolling window, and once at
 * least `min_requests` were made and the share of failures reaches `error_rate`, the breaker opens.
 * Open: the target gets no traffic for `cooldown_ms`. Then half-open: exactly one request is let
 * through as a probe; its success closes the breaker (fresh window), its failure opens it again.
 * Trips are kept in a `BreakerStore`, so with Redis every replica skips a target another one tripped.
 */
import type { BreakerConfig } from '../config/routing-schema.js';
import type { BreakerStore } from './breaker-store.js';
import { RollingCounter } from './rolling-window.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What an attempt holds: a normal pass, or the one half-open probe. */
export type BreakerPass = 'pass' | 'probe';

/** Told of this process's transitions (for `/metrics`): `key` is the deployment, `provider/model`. */
export type BreakerListener = (key: string, state: BreakerState) => void;

export class CircuitBreaker {
  private readonly attempts: RollingCounter;
  private readonly failures: RollingCounter;
  private probing = false;
  private trips = 0;
  /** The last state announced to the listener, so each transition is told once. */
  private announced: BreakerState = 'closed';

  constructor(
    readonly key: string,
    readonly config: BreakerConfig,
    private readonly store: BreakerStore,
    private readonly listener?: BreakerListener,
  ) {
    this.attempts = new RollingCounter(config.window_ms);
    this.failures = new RollingCounter(config.window_ms);
  }

  state(now: number): BreakerState {
    const until = this.store.openUntil(this.key);
    if (until === 0) return 'closed';
    return now < until ? 'open' : 'half-open';
  }

  /** Admits an attempt: always when closed, never when open, once (the probe) when half-open. */
  acquire(now: number): BreakerPass | null {
    if (!this.config.enabled) return 'pass';
    const state = this.state(now);
    if (state === 'closed') return 'pass';
    if (state === 'open' || this.probing) return null;
    this.probing = true;
    this.announce('half-open');
    return 'probe';
  }

  /** A probe that ended without a verdict (the client left): the next request probes instead. */
  release(pass: BreakerPass): void {
    if (pass === 'probe') this.probing = false;
  }

  recordSuccess(now: number, pass: BreakerPass): void {
    if (!this.config.enabled) return;
    if (pass === 'probe') {
      this.probing = false;
      this.attempts.reset();
      this.failures.reset();
      this.store.reset(this.key);
      this.announce('closed');
      return;
    }
    this.attempts.add(now);
  }

  /** Counts a failure; returns true when it opened the breaker. */
  recordFailure(now: number, pass: BreakerPass): boolean {
    if (!this.config.enabled) return false;
    if (pass === 'probe') {
      this.probing = false;
      this.open(now);
      return true;
    }
    this.attempts.add(now);
    this.failures.add(now);
    const attempts = this.attempts.total(now);
    if (attempts < this.config.min_requests) return false;
    if (this.failures.total(now) / attempts < this.config.error_rate) return false;
    if (this.state(now) !== 'closed') return false;
    this.open(now);
    return true;
  }

  snapshot(now: number): {
    state: BreakerState;
    openUntil: number | null;
    attempts: number;
    failures: number;
    errorRate: number | null;
    trips: number;
  } {
    const attempts = this.attempts.total(now);
    const failures = this.failures.total(now);
    const until = this.store.openUntil(this.key);
    return {
      state: this.config.enabled ? this.state(now) : 'closed',
      openUntil: until === 0 ? null : until,
      attempts,
      failures,
      errorRate: attempts === 0 ? null : failures / attempts,
      trips: this.trips,
    };
  }

  private open(now: number): void {
    this.trips++;
    this.attempts.reset();
    this.failures.reset();
    this.store.trip(this.key, now + this.config.cooldown_ms);
    this.announce('open');
  }

  private announce(state: BreakerState): void {
    if (state === this.announced) return;
    this.announced = state;
    this.listener?.(this.key, state);
  }
}
