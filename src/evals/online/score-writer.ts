/**
 * Where online evaluation puts its scores: onto traces, keyed by trace id. Gatehouse's scores store
 * (shared with user feedback) implements it; until then the eval tables do
 * (`createOnlineEvalRepository(...).scores`).
 */
import type { OnlineScore } from '../records.js';

export interface ScoreWriter {
  /** Stores scores; writing the same (trace, evaluator, metric) again replaces nothing and fails nothing. */
  write(scores: readonly OnlineScore[]): Promise<void>;
}
