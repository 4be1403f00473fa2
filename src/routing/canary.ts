/**
 * Canary releases: the candidate model gets a staged share of traffic (`stages`, advancing every
 * `stage_duration_ms`), sticky per user like an A/B split. Every answer of either arm is recorded; once
 * both have `min_requests` in the window, the candidate is compared with the baseline and rolled back
 * (share 0, for good, until the config is reloaded) when its error rate is more than
 * `max_error_rate_increase` above the baseline's or its p95 latency more than `max_p95_increase` above.
 * Without enough baseline data (the last stage at 100 %), the candidate's error rate alone is held to
 * `max_error_rate_increase`.
 */
import type { CanaryConfig } from '../config/routing-schema.js';
import { userBucket } from '../common/stable-hash.js';

export type CanaryArm = 'baseline' | 'candidate';

export interface CanaryRollback {
  at: number;
  reason: string;
  /** The trace of the request whose answer triggered the rollback (it holds a `routing.canary_rollback` event). */
  traceId: string;
  candidate: ArmSummary;
  baseline: ArmSummary;
}

interface ArmSummary {
  requests: number;
  errorRate: number | null;
  p95Ms: number | null;
}

interface Sample {
  time: number;
  ok: boolean;
  latencyMs: number;
}

/** Samples kept per arm: enough for a stable p95, bounded memory. */
const maxSamples = 2_000;
/** Comparing sorts the samples, so it runs at most every this many records. */
const evaluateEvery = 5;

export class Canary {
  private stage = 0;
  private stageStartedAt: number;
  private rollback: CanaryRollback | null = null;
  private readonly samples: Record<CanaryArm, Sample[]> = { baseline: [], candidate: [] };
  private sinceEvaluation = 0;

  constructor(
    readonly name: string,
    readonly config: CanaryConfig,
    now: number,
  ) {
    this.stageStartedAt = now;
  }

  /** The candidate's share now, in percent (advancing stages that are due). */
  percent(now: number): number {
    if (this.rollback !== null) return 0;
    while (
      this.stage < this.config.stages.length - 1 &&
      now - this.stageStartedAt >= this.config.stage_duration_ms
    ) {
      this.stage++;
      this.stageStartedAt += this.config.stage_duration_ms;
    }
    return this.config.stages[this.stage] ?? 0;
  }

  choose(now: number, user: string | undefined, random: () => number = Math.random): CanaryArm {
    const percent = this.percent(now);
    const point = user !== undefined && user !== '' ? userBucket(user, this.name) : random();
    return point * 100 < percent ? 'candidate' : 'baseline';
  }

  /** Records an answer of `arm`; returns the rollback when this record triggered it. */
  record(
    arm: CanaryArm,
    ok: boolean,
    latencyMs: number,
    now: number,
    traceId: string,
  ): CanaryRollback | null {
    if (this.rollback !== null) return null;
    const samples = this.samples[arm];
    samples.push({ time: now, ok, latencyMs });
    if (samples.length > maxSamples) samples.shift();
    if (++this.sinceEvaluation < evaluateEvery) return null;
    this.sinceEvaluation = 0;
    return this.evaluate(now, traceId);
  }

  snapshot(now: number): {
    stage: number;
    percent: number;
    rolledBack: CanaryRollback | null;
    baseline: ArmSummary;
    candidate: ArmSummary;
  } {
    return {
      stage: this.stage,
      percent: this.percent(now),
      rolledBack: this.rollback,
      baseline: summarize(this.recent('baseline', now)),
      candidate: summarize(this.recent('candidate', now)),
    };
  }

  private recent(arm: CanaryArm, now: number): Sample[] {
    const oldest = now - this.config.window_ms;
    const samples = this.samples[arm];
    while (samples.length > 0 && (samples[0]?.time ?? 0) < oldest) samples.shift();
    return samples;
  }

  private evaluate(now: number, traceId: string): CanaryRollback | null {
    const candidate = summarize(this.recent('candidate', now));
    const baseline = summarize(this.recent('baseline', now));
    if (candidate.requests < this.config.min_requests) return null;
    const comparable = baseline.requests >= this.config.min_requests;
    const baselineErrors = comparable ? (baseline.errorRate ?? 0) : 0;
    const candidateErrors = candidate.errorRate ?? 0;
    let reason: string | null = null;
    if (candidateErrors - baselineErrors > this.config.max_error_rate_increase) {
      reason = `candidate error rate ${percent(candidateErrors)} exceeds baseline ${percent(baselineErrors)} by more than ${percent(this.config.max_error_rate_increase)}`;
    } else if (
      comparable &&
      candidate.p95Ms !== null &&
      baseline.p95Ms !== null &&
      candidate.p95Ms > baseline.p95Ms * (1 + this.config.max_p95_increase)
    ) {
      reason = `candidate p95 ${Math.round(candidate.p95Ms)} ms exceeds baseline ${Math.round(baseline.p95Ms)} ms by more than ${percent(this.config.max_p95_increase)}`;
    }
    if (reason === null) return null;
    this.rollback = { at: now, reason, traceId, candidate, baseline };
    return this.rollback;
  }
}

function summarize(samples: Sample[]): ArmSummary {
  if (samples.length === 0) return { requests: 0, errorRate: null, p95Ms: null };
  let errors = 0;
  const latencies: number[] = [];
  for (const sample of samples) {
    if (sample.ok) latencies.push(sample.latencyMs);
    else errors++;
  }
  latencies.sort((a, b) => a - b);
  const p95 = latencies.length === 0 ? null : (latencies[Math.ceil(latencies.length * 0.95) - 1] ?? null);
  return { requests: samples.length, errorRate: errors / samples.length, p95Ms: p95 };
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
