/**
 * Telemetry of a SQLite file goes through a worker thread: what it stores reads back through the main
 * connection, a failing batch stores nothing, close() answers what was sent before ending the
 * thread, and a thread that died is replaced by the next batch. (Every repository assertion also runs
 * on a file in trace-repository.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBulkWriter } from '../telemetry/bulk-writer.js';
import type { ObservationType, TraceEvent } from '../telemetry/model.js';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import type { SqliteTelemetryThread } from './sqlite-telemetry-thread.js';
import { makeEvent, makeObservation, makeTrace } from './testing/trace-fixtures.js';
import { createTraceRepository, type TraceRepository } from './trace-repository.js';

const directory = mkdtempSync(join(tmpdir(), 'gatehouse-telemetry-thread-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let path: string;
let database: Database;
let repository: TraceRepository;
let fileCount = 0;

beforeEach(async () => {
  fileCount += 1;
  path = join(directory, `traces-${fileCount}.db`);
  database = await openDatabase(path);
  await migrateToLatest(database);
  repository = createTraceRepository(database);
});

afterEach(async () => {
  await database.close();
});

function thread(): SqliteTelemetryThread {
  if (database.telemetryThread === undefined) throw new Error('a SQLite file has a telemetry thread');
  return database.telemetryThread;
}

function events(count: number): TraceEvent[] {
  return Array.from({ length: count }, (_, index) => makeEvent({ startTime: 1_760_000_000_000 + index }));
}

async function countTraces(target: Database = database): Promise<number> {
  const row = await target.db
    .selectFrom('traces')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

describe('SQLite telemetry thread', () => {
  it('stores batches off the main connection and they read back through it', async () => {
    const prepare = vi.spyOn(database.sqlite!, 'prepare');
    // 250 events: sent in three messages, stored in one transaction.
    const batch = events(250);
    await repository.insertBatch(batch);

    expect(await countTraces()).toBe(250);
    const newest = batch[249]!;
    expect(await repository.getTrace(newest.trace.id)).toEqual(newest);
    const inserts = prepare.mock.calls.filter(([source]) => /^\s*insert/i.test(source));
    expect(inserts).toEqual([]);
  });

  it('rejects a failing batch and stores none of it, then goes on storing', async () => {
    const failsInSqlite = events(150);
    // A NOT NULL violation in the second message of the batch (the type is not converted).
    failsInSqlite[140]!.observations[0]!.type = null as unknown as ObservationType;
    await expect(repository.insertBatch(failsInSqlite)).rejects.toThrow(/NOT NULL/);
    const failsConverting = events(150);
    // A record no row can be made of (the name is converted), in the first message.
    failsConverting[10]!.observations[0]!.name = null as unknown as string;
    await expect(repository.insertBatch(failsConverting)).rejects.toThrow(/null/);
    expect(await countTraces()).toBe(0);

    await repository.insertBatch(events(3));
    expect(await countTraces()).toBe(3);
  });

  it('stores events holding values that cannot cross threads, as an in-thread write would', async () => {
    const trace = makeTrace({ input: [{ role: 'user', content: 'hi', onRead: () => 'not data' }] });
    const observation = makeObservation(trace.id, {
      attributes: { kept: 1, callback: () => 'not data', marker: Symbol('gone') },
    });
    await repository.insertBatch([{ trace, observations: [observation] }]);

    const stored = await repository.getTrace(trace.id);
    expect(stored?.trace.input).toEqual([{ role: 'user', content: 'hi' }]);
    expect(stored?.observations[0]?.attributes).toEqual({ kept: 1 });
  });

  it('close() answers every batch sent before ending the thread', async () => {
    const batches = [events(120), events(120), events(5)];
    const writes = batches.map((batch) => repository.insertBatch(batch));
    await database.close();
    await expect(Promise.all(writes)).resolves.toBeDefined();
    await expect(repository.insertBatch(events(1))).rejects.toThrow(/closed/);

    database = await openDatabase(path);
    expect(await countTraces()).toBe(245);
  });

  it('rejects the batches of a thread that died, and the next batch starts a new thread', async () => {
    await repository.insertBatch(events(2));
    const inFlight = expect(repository.insertBatch(events(300))).rejects.toThrow(
      /SQLite telemetry thread stopped/,
    );
    await thread().terminate();
    await inFlight;

    await repository.insertBatch(events(4));
    // The batch cut short may or may not have committed before the thread ended; never half of it.
    expect([6, 306]).toContain(await countTraces());
  });

  it('lets the bulk writer retry a batch lost with its thread, so every event is stored', async () => {
    const writer = createBulkWriter({
      write: repository.insertBatch,
      flushIntervalMs: 60_000,
      batchSize: 1_000,
      maxQueue: 10_000,
      initialBackoffMs: 1,
    });
    for (const event of events(300)) writer.record(event);
    // The first of the batch's three messages is sent synchronously; the thread dies before the rest.
    const flushing = writer.flush();
    await thread().terminate();
    await flushing;
    expect(writer.stats()).toMatchObject({ written: 0, queued: 300, failedWrites: 1 });

    await writer.close();
    expect(writer.stats()).toMatchObject({ written: 300, queued: 0, dropped: 0 });
    expect(await countTraces()).toBe(300);
  });
});
