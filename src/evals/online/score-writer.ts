/**
 * Where online evaluation puts its scores: the shared scores table that `POST /api/scores` writes to
 * (source `eval`), under the tenant and project of the trace they grade, so `GET /api/scores`,
 * prompt experiments and `mean_score` aggregates see them next to user feedback.
 */
import type { ScoreRepository } from '../../telemetry/score-repository.js';

/** One assertion's grade of one production trace. */
export interface OnlineScore {
  tenantId: string;
  projectId: string;
  traceId: string;
  /** The score's name: the assertion's metric. */
  metric: string;
  score: number;
  /** The evaluator, the verdict and the grader's reason, for people reading the score. */
  comment: string;
}

export interface ScoreWriter {
  write(scores: readonly OnlineScore[]): Promise<void>;
}

export function scoresTableWriter(scores: Pick<ScoreRepository, 'insertScore'>): ScoreWriter {
  return {
    async write(online) {
      for (const score of online) {
        await scores.insertScore(
          { tenantId: score.tenantId, projectId: score.projectId },
          {
            traceId: score.traceId,
            name: score.metric,
            dataType: 'numeric',
            value: score.score,
            source: 'eval',
            comment: score.comment,
          },
        );
      }
    },
  };
}
