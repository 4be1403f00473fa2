/** Retention deletes whole traces by age in batches, observations included, and nothing newer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import { makeEvent, makeObservation } from './testing/trace-fixtures.js';
import { createTraceRepository } from './trace-repository.js';
import { createTraceRetention } from './trace-retention.js';

describe('trace retention', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase(':memory:');
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database.close();
  });

  it('deletes traces and observations older than the cutoff, in batches, and app spans without a trace', async () => {
    const traces = createTraceRepository(database);
    const old = Array.from({ length: 7 }, (_, index) => makeEvent({ startTime: 1_000_000 + index }));
    const recent = makeEvent({ startTime: 5_000_000 });
    const orphan = makeObservation('f'.repeat(32), { startTime: 1_000_000 });
    await traces.insertBatch([...old, recent, { trace: null, observations: [orphan] }]);

    const deleted = await createTraceRetention(database).deleteOlderThan(2_000_000, { batchSize: 3 });
    expect(deleted).toBe(7);
    const remaining = await database.db.selectFrom('traces').select('id').execute();
    expect(remaining.map((row) => row.id)).toEqual([recent.trace.id]);
    const observations = await database.db.selectFrom('observations').select('trace_id').execute();
    expect(observations.map((row) => row.trace_id)).toEqual([recent.trace.id]);
    // The full-text index forgets deleted traces too.
    expect((await traces.listTraces({ limit: 10, search: 'Hello' })).data.map((trace) => trace.id)).toEqual([
      recent.trace.id,
    ]);
  });
});
