/**
 * The bulk writer against a fake store: batching, order, retry with no loss, dropping the oldest past
 * maxQueue, and close() writing what is left. Fake timers make every step deterministic.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeEvent } from '../storage/testing/trace-fixtures.js';
import { createBulkWriter, type BulkWriterOptions } from './bulk-writer.js';
import type { TraceEvent } from './model.js';

/** A fake store: records each batch; fails while `down` is true. */
function fakeStore() {
  const store = {
    batches: [] as string[][],
    attempts: 0,
    down: false,
    write: (events: TraceEvent[]): Promise<void> => {
      store.attempts += 1;
      if (store.down) return Promise.reject(new Error('connection refused'));
      store.batches.push(events.map((event) => event.trace.requestId));
      return Promise.resolve();
    },
    get written(): string[] {
      return store.batches.flat();
    },
  };
  return store;
}

function events(count: number, prefix = 'r'): TraceEvent[] {
  return Array.from({ length: count }, (_, index) => makeEvent({ requestId: `${prefix}${index}` }));
}

const names = (list: TraceEvent[]): string[] => list.map((event) => event.trace.requestId);
const logger = { warn: vi.fn(), error: vi.fn() };

function writer(store: ReturnType<typeof fakeStore>, options: Partial<BulkWriterOptions<TraceEvent>> = {}) {
  return createBulkWriter({
    write: store.write,
    flushIntervalMs: 100,
    batchSize: 10,
    maxQueue: 1_000,
    logger,
    ...options,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  logger.warn.mockReset();
  logger.error.mockReset();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createBulkWriter', () => {
  it('writes nothing synchronously: record() only queues', () => {
    const store = fakeStore();
    const sink = writer(store);
    for (const event of events(25)) sink.record(event);
    expect(store.attempts).toBe(0);
    expect(sink.stats()).toMatchObject({ queued: 25, written: 0 });
  });

  it('starts writing as soon as a batch is full, in batches of at most batchSize, in order', async () => {
    const store = fakeStore();
    const sink = writer(store, { flushIntervalMs: 60_000 });
    const recorded = events(25);
    for (const event of recorded) sink.record(event);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(store.written).toEqual(names(recorded));
    expect(sink.stats()).toEqual({
      queued: 0,
      written: 25,
      dropped: 0,
      failedWrites: 0,
      lastError: null,
      maxQueue: 1_000,
      stalledMs: 0,
    });
  });

  it('flushes a partial batch on the timer', async () => {
    const store = fakeStore();
    const sink = writer(store, { flushIntervalMs: 100 });
    for (const event of events(3)) sink.record(event);
    await vi.advanceTimersByTimeAsync(99);
    expect(store.attempts).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batches).toEqual([['r0', 'r1', 'r2']]);
  });

  it('keeps one write in flight at a time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const sizes: number[] = [];
    const sink = createBulkWriter({
      flushIntervalMs: 10,
      batchSize: 10,
      maxQueue: 1_000,
      write: async (batch) => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        sizes.push(batch.length);
        await new Promise((resolve) => setTimeout(resolve, 50));
        inFlight -= 1;
      },
    });
    for (const event of events(15)) sink.record(event);
    await vi.advanceTimersByTimeAsync(5);
    for (const event of events(15, 's')) sink.record(event);
    await vi.advanceTimersByTimeAsync(500);
    expect(maxInFlight).toBe(1);
    expect(sizes).toEqual([10, 10, 10]);
    expect(sink.stats().written).toBe(30);
  });

  it('retries failed writes with capped exponential backoff and loses nothing', async () => {
    const store = fakeStore();
    const sink = writer(store, { initialBackoffMs: 100, maxBackoffMs: 400 });
    const recorded = events(12);
    store.down = true;
    for (const event of recorded) sink.record(event);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.attempts).toBe(1);

    // Retries after 100, 200, 400, then every 400 ms (the cap), whatever the flush timer says.
    await vi.advanceTimersByTimeAsync(99);
    expect(store.attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(store.attempts).toBe(3);
    await vi.advanceTimersByTimeAsync(400);
    expect(store.attempts).toBe(4);
    await vi.advanceTimersByTimeAsync(400);
    expect(store.attempts).toBe(5);
    expect(sink.stats()).toMatchObject({
      queued: 12,
      written: 0,
      failedWrites: 5,
      lastError: 'connection refused',
    });
    expect(logger.error).toHaveBeenCalledTimes(1);

    const later = events(3, 'late');
    for (const event of later) sink.record(event);
    store.down = false;
    await vi.advanceTimersByTimeAsync(400);
    expect(store.written).toEqual([...names(recorded), ...names(later)]);
    expect(store.batches.map((batch) => batch.length)).toEqual([10, 5]);
    expect(sink.stats()).toMatchObject({ queued: 0, written: 15, dropped: 0, failedWrites: 5 });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.objectContaining({ failedWrites: 5 }),
      expect.stringContaining('again'),
    );
  });

  it('drops the oldest events beyond maxQueue and counts them', async () => {
    const store = fakeStore();
    const sink = writer(store, { maxQueue: 20, batchSize: 10 });
    store.down = true;
    const recorded = events(50);
    for (const event of recorded) sink.record(event);
    expect(sink.stats()).toMatchObject({ queued: 20, dropped: 30 });
    expect(logger.warn).toHaveBeenCalledTimes(1);

    store.down = false;
    await sink.flush();
    expect(store.written).toEqual(names(recorded.slice(30)));
    expect(sink.stats()).toMatchObject({ queued: 0, written: 20, dropped: 30 });
  });

  it('counts events held by a failing write toward maxQueue', async () => {
    const store = fakeStore();
    const sink = writer(store, { maxQueue: 15, batchSize: 10 });
    store.down = true;
    const first = events(10, 'a');
    for (const event of first) sink.record(event);
    await vi.advanceTimersByTimeAsync(0);
    // The failed batch went back to the front of the queue; 10 more overflow it by 5, the oldest.
    const second = events(10, 'b');
    for (const event of second) sink.record(event);
    expect(sink.stats()).toMatchObject({ queued: 15, dropped: 5 });
    store.down = false;
    await sink.flush();
    expect(store.written).toEqual(names([...first.slice(5), ...second]));
  });

  it('close() writes everything still queued and stops the timer', async () => {
    const store = fakeStore();
    const sink = writer(store, { flushIntervalMs: 60_000, batchSize: 10 });
    const recorded = events(7);
    for (const event of recorded) sink.record(event);
    await sink.close();
    expect(store.written).toEqual(names(recorded));
    expect(vi.getTimerCount()).toBe(0);

    sink.record(makeEvent());
    expect(sink.stats()).toMatchObject({ queued: 0, written: 7, dropped: 1 });
  });

  it('close() retries a store that comes back', async () => {
    const store = fakeStore();
    const sink = writer(store, { initialBackoffMs: 100 });
    store.down = true;
    for (const event of events(4)) sink.record(event);
    const closing = sink.close();
    await vi.advanceTimersByTimeAsync(0);
    store.down = false;
    await vi.advanceTimersByTimeAsync(100);
    await closing;
    expect(store.written).toHaveLength(4);
    expect(sink.stats()).toMatchObject({ written: 4, dropped: 0, failedWrites: 1 });
  });

  it('close() gives up within closeTimeoutMs and reports what it lost', async () => {
    const store = fakeStore();
    const sink = writer(store, { closeTimeoutMs: 1_000 });
    store.down = true;
    for (const event of events(6)) sink.record(event);
    const closing = sink.close();
    await vi.advanceTimersByTimeAsync(1_000);
    await closing;
    expect(store.attempts).toBeGreaterThanOrEqual(2);
    expect(sink.stats()).toMatchObject({ queued: 0, written: 0, dropped: 6 });
    expect(logger.error).toHaveBeenLastCalledWith(
      expect.objectContaining({ lost: 6 }),
      expect.stringContaining('lost on shutdown'),
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('close() does not wait past its deadline for a write that hangs', async () => {
    const sink = createBulkWriter({
      write: () => new Promise<void>(() => {}),
      flushIntervalMs: 100,
      batchSize: 10,
      maxQueue: 100,
      closeTimeoutMs: 500,
      logger,
    });
    for (const event of events(3)) sink.record(event);
    const closing = sink.close();
    await vi.advanceTimersByTimeAsync(500);
    await closing;
    expect(logger.error).toHaveBeenLastCalledWith(
      expect.objectContaining({ unconfirmed: 3 }),
      expect.any(String),
    );
  });

  it('reports how long events have waited without a successful write, for /ready', async () => {
    const store = fakeStore();
    store.down = true;
    const sink = writer(store, { maxBackoffMs: 1_000 });
    for (const event of events(3)) sink.record(event);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sink.stats().stalledMs).toBeGreaterThanOrEqual(10_000);
    store.down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sink.stats()).toMatchObject({ queued: 0, written: 3, stalledMs: 0 });
  });

  it('record() never throws, even with a throwing write and logger', async () => {
    const sink = createBulkWriter({
      write: () => {
        throw new Error('synchronous failure');
      },
      flushIntervalMs: 100,
      batchSize: 1,
      maxQueue: 2,
      logger: {
        warn: () => {
          throw new Error('logger broke');
        },
        error: () => {
          throw new Error('logger broke');
        },
      },
    });
    expect(() => {
      for (const event of events(5)) sink.record(event);
    }).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.stats()).toMatchObject({
      queued: 2,
      dropped: 3,
      failedWrites: 1,
      lastError: 'synchronous failure',
    });
    const closing = sink.close();
    await vi.advanceTimersByTimeAsync(10_000);
    await closing;
    expect(sink.stats()).toMatchObject({ queued: 0, dropped: 5 });
  });
});
