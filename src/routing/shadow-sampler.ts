/**
 * Picks the requests to mirror to a shadow model: systematic sampling (a credit grows by `share` per
 * request and mirrors when it reaches 1), so the mirrored share is exact over any run, not just on
 * average, and mirrored requests are spread evenly instead of in bursts.
 */
export class ShadowSampler {
  private credit = 0;
  mirrored = 0;
  seen = 0;

  constructor(readonly share: number) {}

  next(): boolean {
    this.seen++;
    this.credit += this.share;
    if (this.credit < 1) return false;
    this.credit -= 1;
    this.mirrored++;
    return true;
  }
}
