/**
 * What the strategies know about one target at run time: requests in flight (least-busy), a moving
 * average of its time to answer (least-latency: time to first chunk for streams, whole call otherwise),
 * and, when the upstream account has RPM/TPM limits, the requests and tokens of the last minute.
 */
import { RollingCounter } from './rolling-window.js';

const minuteMs = 60_000;
/** Weight of the newest sample in the moving average: recent enough to follow a slowdown in a few calls. */
const smoothing = 0.2;

export interface TargetLimits {
  rpm?: number | undefined;
  tpm?: number | undefined;
}

export class TargetStats {
  inFlight = 0;
  /** Moving average of the time to answer, ms; null before the first answer. */
  latencyMs: number | null = null;
  private readonly requests: RollingCounter | null;
  private readonly tokens: RollingCounter | null;

  constructor(private readonly limits: TargetLimits) {
    this.requests = limits.rpm === undefined ? null : new RollingCounter(minuteMs, 12);
    this.tokens = limits.tpm === undefined ? null : new RollingCounter(minuteMs, 12);
  }

  /** Whether this target needs a token estimate of each request (it has a TPM limit). */
  get countsTokens(): boolean {
    return this.tokens !== null;
  }

  /** The limit a request of `tokens` would exceed now, if any. */
  overLimit(now: number, tokens: number): 'rpm' | 'tpm' | null {
    if (this.requests !== null && this.requests.total(now) + 1 > (this.limits.rpm ?? Infinity)) return 'rpm';
    if (this.tokens !== null && this.tokens.total(now) + tokens > (this.limits.tpm ?? Infinity)) return 'tpm';
    return null;
  }

  /** An attempt begins: in flight, and counted against the minute's limits. */
  begin(now: number, tokens: number): void {
    this.inFlight++;
    this.requests?.add(now);
    this.tokens?.add(now, tokens);
  }

  end(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** Output tokens, known once the answer is complete, count against TPM too. */
  addTokens(now: number, tokens: number): void {
    this.tokens?.add(now, tokens);
  }

  observeLatency(ms: number): void {
    this.latencyMs = this.latencyMs === null ? ms : this.latencyMs + smoothing * (ms - this.latencyMs);
  }

  snapshot(now: number): { inFlight: number; latencyMs: number | null; rpmUsed?: number; tpmUsed?: number } {
    return {
      inFlight: this.inFlight,
      latencyMs: this.latencyMs === null ? null : Math.round(this.latencyMs * 10) / 10,
      ...(this.requests === null ? {} : { rpmUsed: this.requests.total(now) }),
      ...(this.tokens === null ? {} : { tpmUsed: this.tokens.total(now) }),
    };
  }
}
