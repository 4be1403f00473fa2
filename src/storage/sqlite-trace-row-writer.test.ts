/**
 * The SQLite write path's pauses: the event loop runs between slices of a batch, yet the batch stays
 * one transaction — all or nothing, and invisible to other queries until it commits. (What the rows
 * contain is covered through the repository in trace-repository.test.ts.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationType, TraceEvent } from '../telemetry/model.js';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import { createSqliteTraceRowWriter } from './sqlite-trace-row-writer.js';
import { makeEvent } from './testing/trace-fixtures.js';

let database: Database;
let connection: NonNullable<Database['sqlite']>;

beforeEach(async () => {
  database = await openDatabase(':memory:');
  await migrateToLatest(database);
  if (database.sqlite === undefined) throw new Error('a SQLite database exposes its connection');
  connection = database.sqlite;
});

afterEach(async () => {
  await database.close();
});

async function counts(): Promise<{ traces: number; observations: number }> {
  const count = async (table: 'traces' | 'observations'): Promise<number> => {
    const row = await database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };
  return { traces: await count('traces'), observations: await count('observations') };
}

function events(count: number): TraceEvent[] {
  return Array.from({ length: count }, () => makeEvent());
}

describe('createSqliteTraceRowWriter', () => {
  it('lets the event loop run between slices of a batch', async () => {
    // A zero budget pauses after every event.
    const writeRows = createSqliteTraceRowWriter(connection, database.db, { sliceBudgetMs: 0 });
    let turns = 0;
    const tick = (): void => {
      turns += 1;
      if (turns < 1_000) setImmediate(tick);
    };
    setImmediate(tick);
    await writeRows(events(20));
    expect(turns).toBeGreaterThanOrEqual(20);
    expect(await counts()).toEqual({ traces: 20, observations: 20 });
  });

  it('rolls the whole batch back when a row fails after a pause', async () => {
    const writeRows = createSqliteTraceRowWriter(connection, database.db, { sliceBudgetMs: 0 });
    const batch = events(10);
    // A NOT NULL violation in the last event, long after the first pause (the type is not converted).
    batch[9]!.observations[0]!.type = null as unknown as ObservationType;
    await expect(writeRows(batch)).rejects.toThrow(/NOT NULL/);
    expect(connection.inTransaction).toBe(false);
    expect(await counts()).toEqual({ traces: 0, observations: 0 });

    await writeRows(events(3));
    expect(await counts()).toEqual({ traces: 3, observations: 3 });
  });

  it('keeps other queries out until the batch commits', async () => {
    const writeRows = createSqliteTraceRowWriter(connection, database.db, { sliceBudgetMs: 0 });
    const writing = writeRows(events(30));
    // Issued while the write is paused halfway: it waits for Kysely's connection lock.
    const seen = counts();
    await writing;
    expect(await seen).toEqual({ traces: 30, observations: 30 });
  });
});
