/**
 * The in-thread SQLite write path (in-memory databases): a batch is one transaction, all or nothing,
 * and it never nests into a Kysely transaction left open across an await. (What the rows contain is
 * covered through the repository in trace-repository.test.ts; the worker path in
 * sqlite-telemetry-thread.test.ts.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObservationType, TraceEvent } from '../telemetry/model.js';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import { createSqliteTraceRowWriter } from './sqlite-trace-row-writer.js';
import { makeEvent } from './testing/trace-fixtures.js';
import { traceToRow } from './trace-rows.js';

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
  it('an in-memory database has no telemetry thread: it writes in-thread', () => {
    expect(database.telemetryThread).toBeUndefined();
  });

  it('rolls the whole batch back when its last row fails', async () => {
    const writeRows = createSqliteTraceRowWriter(connection, database.db);
    const batch = events(10);
    // A NOT NULL violation in the last event (the type is not converted).
    batch[9]!.observations[0]!.type = null as unknown as ObservationType;
    await expect(writeRows(batch)).rejects.toThrow(/NOT NULL/);
    expect(connection.inTransaction).toBe(false);
    expect(await counts()).toEqual({ traces: 0, observations: 0 });

    await writeRows(events(3));
    expect(await counts()).toEqual({ traces: 3, observations: 3 });
  });

  it('waits for a Kysely transaction left open across an await instead of nesting into it', async () => {
    const writeRows = createSqliteTraceRowWriter(connection, database.db);
    const open = database.db.transaction().execute(async (transaction) => {
      await transaction.insertInto('traces').values(traceToRow(makeEvent().trace)).execute();
      await sleep(20);
      throw new Error('rolled back');
    });
    // Issued while the Kysely transaction sleeps. Nested into it (better-sqlite3 would make it a
    // savepoint), the batch would vanish with its rollback.
    const writing = writeRows(events(5));
    await expect(open).rejects.toThrow('rolled back');
    await writing;
    expect(await counts()).toEqual({ traces: 5, observations: 5 });
  });
});
