/**
 * Deleting telemetry: by age (retention, in batches so no statement holds the tables for long), and
 * everything of one end user (export and erasure requests). Observations go with their traces; spans
 * without a trace row are aged out by their own start time.
 */
import { sql } from 'kysely';
import type { Database } from './database.js';
import { applyRollups, rollupDeltas, rollupSourceColumns } from './trace-rollups.js';
import { readStoredShape } from './optional-columns.js';
import { rowToObservation, rowToTrace } from './trace-rows.js';
import type { ObservationRecord, TraceRecord } from '../telemetry/model.js';

export interface TraceRetention {
  /**
   * Deletes traces (and their observations) that started before `cutoff`, at most `batchSize` traces
   * per statement until none are left; `project` limits it to one project (needs the project column).
   * Returns the number of traces deleted.
   */
  deleteOlderThan(cutoff: number, options: { batchSize: number; project?: string }): Promise<number>;
  /** Every trace of the user with its observations, oldest first. */
  exportUserData(userId: string): Promise<{ trace: TraceRecord; observations: ObservationRecord[] }[]>;
  /** Deletes every trace of the user and their observations; returns the number of traces deleted. */
  deleteUserData(userId: string): Promise<number>;
}

export function createTraceRetention(database: Database): TraceRetention {
  const { db } = database;

  async function deleteTraces(ids: string[]): Promise<void> {
    await db.transaction().execute(async (transaction) => {
      // What the rollups counted for these traces goes with them, in the same transaction.
      const counted = await transaction
        .selectFrom('traces')
        .select(rollupSourceColumns)
        .where('id', 'in', ids)
        .execute();
      await applyRollups(transaction, database.dialect, rollupDeltas(counted, -1));
      await transaction.deleteFrom('observations').where('trace_id', 'in', ids).execute();
      await transaction.deleteFrom('traces').where('id', 'in', ids).execute();
    });
  }

  async function deleteOlderThan(
    cutoff: number,
    options: { batchSize: number; project?: string },
  ): Promise<number> {
    if (options.project !== undefined && !(await readStoredShape(database)).traceColumns.has('project_id')) {
      return 0;
    }
    let deleted = 0;
    for (;;) {
      let select = db.selectFrom('traces').select('id').where('start_time', '<', cutoff);
      if (options.project !== undefined) select = select.where(sql.ref('project_id'), '=', options.project);
      const ids = (await select.limit(options.batchSize).execute()).map((row) => row.id);
      if (ids.length === 0) break;
      await deleteTraces(ids);
      deleted += ids.length;
    }
    if (options.project === undefined) {
      // App spans whose trace row never arrived.
      await db.deleteFrom('observations').where('start_time', '<', cutoff).execute();
    }
    return deleted;
  }

  async function userTraceIds(userId: string): Promise<string[]> {
    const rows = await db.selectFrom('traces').select('id').where('user_id', '=', userId).execute();
    return rows.map((row) => row.id);
  }

  async function exportUserData(userId: string) {
    const traces = await db
      .selectFrom('traces')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('start_time')
      .execute();
    const result = [];
    for (const row of traces) {
      const observations = await db
        .selectFrom('observations')
        .selectAll()
        .where('trace_id', '=', row.id)
        .orderBy('start_time')
        .execute();
      result.push({ trace: rowToTrace(row), observations: observations.map(rowToObservation) });
    }
    return result;
  }

  async function deleteUserData(userId: string): Promise<number> {
    const ids = await userTraceIds(userId);
    for (let start = 0; start < ids.length; start += 500) await deleteTraces(ids.slice(start, start + 500));
    return ids.length;
  }

  return { deleteOlderThan, exportUserData, deleteUserData };
}
