/**
 * Counts over a rolling time window, in fixed buckets: adding and summing are O(buckets) with no
 * allocation, so per-request bookkeeping (breaker error rates, RPM/TPM) stays in the microseconds.
 * A bucket older than the window is reset when its slot comes round again.
 */
export class RollingCounter {
  private readonly bucketMs: number;
  private readonly starts: Float64Array;
  private readonly values: Float64Array;

  constructor(windowMs: number, buckets = 10) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / buckets));
    this.starts = new Float64Array(buckets).fill(-Infinity);
    this.values = new Float64Array(buckets);
  }

  add(now: number, amount = 1): void {
    const start = now - (now % this.bucketMs);
    const slot = Math.floor(start / this.bucketMs) % this.values.length;
    if (this.starts[slot] !== start) {
      this.starts[slot] = start;
      this.values[slot] = 0;
    }
    this.values[slot] = (this.values[slot] ?? 0) + amount;
  }

  /** The sum over the buckets that overlap the last window. */
  total(now: number): number {
    const oldest = now - this.bucketMs * this.values.length;
    let sum = 0;
    for (let slot = 0; slot < this.values.length; slot++) {
      if ((this.starts[slot] ?? -Infinity) > oldest) sum += this.values[slot] ?? 0;
    }
    return sum;
  }

  reset(): void {
    this.starts.fill(-Infinity);
    this.values.fill(0);
  }
}
