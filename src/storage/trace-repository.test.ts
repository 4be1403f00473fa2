/**
 * The trace repository, run identically on SQLite (in memory, written in-thread), on a SQLite file
 * (written by the telemetry worker thread, read by the main connection) and on the machine's
 * PostgreSQL (a fresh database per run): what goes in comes back unchanged, filters, and keyset
 * pagination.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import type { TraceEvent, TraceRecord } from '../telemetry/model.js';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';
import {
  createPostgresTestDatabase,
  postgresAvailable,
  type PostgresTestDatabase,
} from './testing/postgres-test-database.js';
import { makeEvent, makeObservation, makeTrace } from './testing/trace-fixtures.js';
import {
  InvalidCursorError,
  createTraceRepository,
  type TraceQuery,
  type TraceRepository,
} from './trace-repository.js';

interface Backend {
  name: string;
  available: boolean;
  open: () => Promise<{ database: Database; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    available: true,
    open: async () => {
      const database = await openDatabase(':memory:');
      return { database, cleanup: () => database.close() };
    },
  },
  {
    name: 'a SQLite file',
    available: true,
    open: async () => {
      const directory = mkdtempSync(join(tmpdir(), 'gatehouse-trace-repository-'));
      const database = await openDatabase(join(directory, 'traces.db'));
      return {
        database,
        cleanup: async () => {
          await database.close();
          rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    // Throws when CI=true and the server is unreachable, failing this file as it must.
    available: await postgresAvailable(),
    open: async () => {
      const testDatabase = (await createPostgresTestDatabase()) as PostgresTestDatabase;
      const database = await openDatabase(testDatabase.url);
      return {
        database,
        cleanup: async () => {
          await database.close();
          await testDatabase.drop();
        },
      };
    },
  },
];

/** Every page of a query, following nextCursor. */
async function listAll(
  repository: TraceRepository,
  query: TraceQuery,
): Promise<{ pages: TraceRecord[][]; ids: string[] }> {
  const pages: TraceRecord[][] = [];
  let cursor: string | undefined;
  do {
    const page = await repository.listTraces({ ...query, cursor });
    pages.push(page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return { pages, ids: pages.flat().map((trace) => trace.id) };
}

/** Ids as the list must order them: newest start time first, ties by id descending. */
function expectedOrder(traces: TraceRecord[]): string[] {
  return [...traces]
    .sort((a, b) => b.startTime - a.startTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((trace) => trace.id);
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`trace repository on ${backend.name}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let repository: TraceRepository;

    beforeAll(async () => {
      ({ database, cleanup } = await backend.open());
      expect(await migrateToLatest(database)).toEqual(Object.keys(migrations));
      repository = createTraceRepository(database);
    });

    afterAll(async () => {
      await cleanup?.();
    });

    beforeEach(async () => {
      await database.db.deleteFrom('observations').execute();
      await database.db.deleteFrom('traces').execute();
    });

    it('migrates once: a second run applies nothing', async () => {
      expect(await migrateToLatest(database)).toEqual([]);
    });

    it('gives back exactly the records it stored', async () => {
      const full = makeTrace({
        startTime: 1_750_000_000_123,
        endTime: 1_750_000_001_000,
        durationMs: 876.25,
        stream: true,
        user: 'alice',
        usage: {
          inputTokens: 1_200,
          outputTokens: 345,
          totalTokens: 1_545,
          cachedInputTokens: 1_024,
          estimated: true,
        },
        cost: 0.000123456789,
        ttftMs: 87.5,
        metadata: { team: 'search', 'feature-flag': 'beta' },
        input: [
          {
            role: 'user',
            content: 'Ünïcödé ✓ "quotes" \\ and\nnewlines',
            extra: { nested: [1, 2.5, null, true] },
          },
        ],
        output: { role: 'assistant', content: '', tool_calls: [] },
        warnings: [{ param: 'logit_bias', message: 'not supported by this provider' }],
      });
      const sparse = makeTrace({
        startTime: 1_750_000_000_100,
        provider: null,
        providerType: null,
        upstreamModel: null,
        status: 'error',
        httpStatus: 502,
        user: null,
        usage: {
          inputTokens: null,
          outputTokens: null,
          totalTokens: null,
          cachedInputTokens: null,
          estimated: false,
        },
        cost: null,
        errorType: 'upstream_error',
        errorMessage: 'connection reset',
        metadata: null,
        input: null,
        output: null,
      });
      const withUsage = makeObservation(full.id, {
        startTime: full.startTime + 30,
        usage: {
          inputTokens: 1_200,
          outputTokens: 345,
          totalTokens: 1_545,
          cachedInputTokens: null,
          estimated: true,
        },
        ttftMs: 80.125,
        attributes: { providerType: 'openai', retryable: false, nested: { codes: ['a', 'b'] } },
      });
      const withoutUsage = makeObservation(full.id, {
        startTime: full.startTime + 1,
        type: 'guardrail',
        name: 'pii',
        parentId: 'aaaaaaaaaaaaaaaa',
        provider: null,
        model: null,
        httpStatus: null,
        usage: null,
        cost: null,
      });
      const failed = makeObservation(sparse.id, {
        status: 'error',
        httpStatus: 502,
        errorMessage: 'connection reset',
        usage: null,
      });

      await repository.insertBatch([
        { trace: full, observations: [withUsage, withoutUsage] },
        { trace: sparse, observations: [failed] },
      ]);

      expect(await repository.getTrace(full.id)).toEqual({
        trace: full,
        observations: [withoutUsage, withUsage],
      });
      expect(await repository.getTrace(sparse.id)).toEqual({ trace: sparse, observations: [failed] });
      expect(await repository.listTraces({ limit: 10 })).toEqual({ data: [full, sparse], nextCursor: null });
    });

    it('returns null for an unknown trace', async () => {
      expect(await repository.getTrace('f'.repeat(32))).toBeNull();
    });

    it('stores values that would otherwise fail a batch', async () => {
      const trace = makeTrace({
        errorMessage: 'nul \u0000 inside',
        startTime: 1_750_000_000_000.6,
        httpStatus: 200,
      });
      await repository.insertBatch([{ trace, observations: [] }]);
      const stored = await repository.getTrace(trace.id);
      expect(stored?.trace.errorMessage).toBe('nul  inside');
      expect(stored?.trace.startTime).toBe(1_750_000_000_001);
    });

    it('treats a re-inserted batch as already stored (a retry after an unacknowledged commit)', async () => {
      const events = [makeEvent(), makeEvent()];
      await repository.insertBatch(events);
      await repository.insertBatch(events);
      expect((await repository.listTraces({ limit: 10 })).data).toHaveLength(2);
      expect((await repository.getTrace(events[0]!.trace.id))?.observations).toHaveLength(1);
    });

    it('writes a batch all or nothing', async () => {
      const good = makeEvent();
      const broken = makeEvent();
      // A NOT NULL violation in the second statement (observations), after the traces were inserted.
      broken.observations[0]!.name = null as unknown as string;
      await expect(repository.insertBatch([good, broken])).rejects.toThrow();
      expect((await repository.listTraces({ limit: 10 })).data).toEqual([]);
    });

    it('splits large batches under the engine parameter limits', async () => {
      // 3,000 traces × 27 columns exceeds both SQLite's 32,766 and PostgreSQL's 65,535 bound values.
      const events: TraceEvent[] = Array.from({ length: 3_000 }, (_, index) =>
        makeEvent({ startTime: 1_760_000_000_000 + index, input: null, output: null }),
      );
      await repository.insertBatch(events);
      const count = await database.db
        .selectFrom('observations')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      expect(Number(count.count)).toBe(3_000);
      const newest = await repository.listTraces({ limit: 1 });
      expect(newest.data[0]?.id).toBe(events[2_999]!.trace.id);
    });

    describe('filters', () => {
      const base = 1_750_000_000_000;
      const traces = [
        makeTrace({
          startTime: base + 1_000,
          model: 'gpt-4o',
          provider: 'openai-main',
          status: 'ok',
          user: 'alice',
        }),
        makeTrace({
          startTime: base + 2_000,
          model: 'gpt-4o',
          provider: 'azure-eu',
          status: 'error',
          user: 'bob',
        }),
        makeTrace({
          startTime: base + 3_000,
          model: 'claude-sonnet',
          provider: 'anthropic',
          status: 'ok',
          user: 'alice',
        }),
        makeTrace({
          startTime: base + 4_000,
          model: 'claude-sonnet',
          provider: 'anthropic',
          status: 'cancelled',
          user: null,
        }),
        makeTrace({
          startTime: base + 5_000,
          model: 'gpt-4o',
          provider: 'openai-main',
          status: 'ok',
          user: 'bob',
        }),
      ];
      const ids = (indexes: number[]): string[] => indexes.map((index) => traces[index]!.id);
      const list = async (query: Omit<TraceQuery, 'limit'>): Promise<string[]> =>
        (await repository.listTraces({ limit: 100, ...query })).data.map((trace) => trace.id);

      beforeEach(async () => {
        await repository.insertBatch(traces.map((trace) => ({ trace, observations: [] })));
      });

      it('by model, provider, status and user', async () => {
        expect(await list({ model: 'gpt-4o' })).toEqual(ids([4, 1, 0]));
        expect(await list({ provider: 'anthropic' })).toEqual(ids([3, 2]));
        expect(await list({ status: 'ok' })).toEqual(ids([4, 2, 0]));
        expect(await list({ user: 'alice' })).toEqual(ids([2, 0]));
        expect(await list({ model: 'unknown' })).toEqual([]);
      });

      it('by time range, from inclusive and to exclusive', async () => {
        expect(await list({ from: base + 2_000, to: base + 4_000 })).toEqual(ids([2, 1]));
        expect(await list({ from: base + 4_000 })).toEqual(ids([4, 3]));
        expect(await list({ to: base + 1_001 })).toEqual(ids([0]));
      });

      it('combined', async () => {
        expect(await list({ model: 'gpt-4o', status: 'ok', user: 'bob', from: base })).toEqual(ids([4]));
      });
    });

    describe('pagination', () => {
      // Many traces share a start time, so the id must break ties for no row to be skipped or repeated.
      const traces = Array.from({ length: 23 }, (_, index) =>
        makeTrace({
          startTime: 1_750_000_000_000 + Math.floor(index / 4) * 10,
          model: index % 3 === 0 ? 'gpt-4o' : 'o3',
        }),
      );

      beforeEach(async () => {
        // Inserted in shuffled order so the result cannot come from insertion order.
        const shuffled = [
          ...traces.filter((_, index) => index % 2 === 1),
          ...traces.filter((_, index) => index % 2 === 0).reverse(),
        ];
        await repository.insertBatch(shuffled.map((trace) => ({ trace, observations: [] })));
      });

      it('walks every trace once, newest first, across pages with ties', async () => {
        const { pages, ids } = await listAll(repository, { limit: 5 });
        expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
        expect(ids).toEqual(expectedOrder(traces));
      });

      it('keeps the filters across pages', async () => {
        const { ids } = await listAll(repository, { limit: 3, model: 'gpt-4o' });
        expect(ids).toEqual(expectedOrder(traces.filter((trace) => trace.model === 'gpt-4o')));
      });

      it('has no next page when the last page is exactly full', async () => {
        const first = await repository.listTraces({ limit: 20 });
        const second = await repository.listTraces({ limit: 3, cursor: first.nextCursor ?? undefined });
        expect(second.data).toHaveLength(3);
        expect(second.nextCursor).toBeNull();
      });

      it('rejects a malformed cursor with a 400 error', async () => {
        const bad = [
          'not a cursor!',
          Buffer.from('hello').toString('base64url'),
          Buffer.from(JSON.stringify({ t: 'yesterday', i: 'abc' })).toString('base64url'),
          Buffer.from(JSON.stringify({ t: 1.5, i: 'abc' })).toString('base64url'),
          Buffer.from(JSON.stringify([1, 'abc'])).toString('base64url'),
          'A'.repeat(2_000),
        ];
        for (const cursor of bad) {
          const attempt = repository.listTraces({ limit: 5, cursor });
          await expect(attempt).rejects.toBeInstanceOf(InvalidCursorError);
          await expect(attempt).rejects.toMatchObject({
            status: 400,
            param: 'cursor',
            code: 'invalid_request',
          });
        }
        await expect(repository.listTraces({ limit: 5, cursor: 'x' })).rejects.toSatisfy((error) =>
          GatewayError.isInstance(error),
        );
      });

      it('rejects a limit outside 1..100', async () => {
        await expect(repository.listTraces({ limit: 0 })).rejects.toThrow(RangeError);
        await expect(repository.listTraces({ limit: 101 })).rejects.toThrow(RangeError);
      });
    });
  });
}
