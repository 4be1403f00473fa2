/**
 * The retention job: on a schedule, deletes telemetry older than the configured number of days,
 * globally and per project (a project's own setting wins for its traces). Runs off the data plane,
 * one pass at a time; failures are logged and retried at the next pass.
 */
import type { TraceRetention } from '../storage/trace-retention.js';
import { startPeriodicPass, type PeriodicPass } from './periodic-pass.js';

export interface RetentionJobOptions {
  retention: TraceRetention;
  /** Days to keep everything; undefined keeps forever. */
  days: number | undefined;
  /** Days to keep per project id. */
  projectDays: Record<string, number>;
  intervalMs: number;
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

const day = 86_400_000;
const batchSize = 5_000;

export type RetentionJob = PeriodicPass;

export function startRetentionJob(options: RetentionJobOptions): RetentionJob {
  async function pass(): Promise<void> {
    const now = Date.now();
    for (const [project, days] of Object.entries(options.projectDays)) {
      const deleted = await options.retention.deleteOlderThan(now - days * day, { batchSize, project });
      if (deleted > 0) options.logger.info({ project, deleted, days }, 'retention deleted old traces');
    }
    if (options.days !== undefined) {
      const deleted = await options.retention.deleteOlderThan(now - options.days * day, { batchSize });
      if (deleted > 0) options.logger.info({ deleted, days: options.days }, 'retention deleted old traces');
    }
  }

  return startPeriodicPass({
    name: 'retention',
    intervalMs: options.intervalMs,
    active: options.days !== undefined || Object.keys(options.projectDays).length > 0,
    pass,
    logger: options.logger,
  });
}
