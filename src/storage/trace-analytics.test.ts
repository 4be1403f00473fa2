/**
 * What dashboards read, on SQLite and PostgreSQL: the trace list's observability filters (session,
 * tag, source, cost and latency ranges, full text), aggregates with percentiles, rates and groups, and
 * sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../telemetry/queries/aggregate.js';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import {
  createPostgresTestDatabase,
  postgresAvailable,
  type PostgresTestDatabase,
} from './testing/postgres-test-database.js';
import { makeEvent } from './testing/trace-fixtures.js';
import { createTraceAnalytics, type TraceAnalytics } from './trace-analytics.js';
import { createTraceRepository, type TraceRepository } from './trace-repository.js';

const hour = 3_600_000;
const start = 1_750_000_000_000 - (1_750_000_000_000 % hour);

const backends = [
  {
    name: 'SQLite',
    available: true,
    open: async () => {
      const database = await openDatabase(':memory:');
      return { database, cleanup: () => database.close() };
    },
  },
  {
    name: 'PostgreSQL',
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

for (const backend of backends) {
  describe.skipIf(!backend.available)(`trace queries on ${backend.name}`, () => {
    let database: Database;
    let cleanup: () => Promise<void>;
    let traces: TraceRepository;
    let analytics: TraceAnalytics;

    beforeAll(async () => {
      ({ database, cleanup } = await backend.open());
      await migrateToLatest(database);
      traces = createTraceRepository(database);
      analytics = createTraceAnalytics(database);
      // Hour 1: 100 gpt-4o-mini calls taking 1..100 ms, every 10th an error; hour 2: 10 claude calls.
      const events = [
        ...Array.from({ length: 100 }, (_, index) =>
          makeEvent({
            startTime: start + index * 1000,
            durationMs: index + 1,
            model: 'gpt-4o-mini',
            status: index % 10 === 0 ? 'error' : 'ok',
            cost: 0.001,
            ttftMs: index < 50 ? 20 : null,
            cacheHit: index < 25,
            sessionId: index < 3 ? 'conv-1' : null,
            tags: index === 7 ? ['beta', 'rag'] : [],
            input: {
              messages: [{ role: 'user', content: index === 42 ? 'refund my order please' : 'hello' }],
            },
          }),
        ),
        ...Array.from({ length: 10 }, (_, index) =>
          makeEvent({
            startTime: start + hour + index * 1000,
            durationMs: 2000,
            model: 'claude-haiku',
            cost: null,
            source: 'otlp',
          }),
        ),
      ];
      await traces.insertBatch(events);
    });

    afterAll(async () => {
      await cleanup?.();
    });

    const ids = async (query: Parameters<TraceRepository['listTraces']>[0]) =>
      (await traces.listTraces(query)).data.map((trace) => trace.durationMs);

    it('filters the trace list by session, tag, source, cost, latency and full text', async () => {
      expect(await ids({ limit: 100, session: 'conv-1' })).toEqual([3, 2, 1]);
      expect(await ids({ limit: 100, tag: 'rag' })).toEqual([8]);
      expect(await ids({ limit: 100, tag: 'ra' })).toEqual([]);
      expect((await traces.listTraces({ limit: 100, source: 'otlp' })).data).toHaveLength(10);
      expect(await ids({ limit: 100, minLatencyMs: 98, maxLatencyMs: 100 })).toEqual([100, 99, 98]);
      expect((await traces.listTraces({ limit: 100, minCost: 0.0005 })).data).toHaveLength(100);
      expect(await ids({ limit: 100, search: 'refund order' })).toEqual([43]);
      // Query syntax is read as plain words on both engines, never as an error.
      expect(await ids({ limit: 100, search: 'refund "order* OR' })).toEqual([]);
      expect(await ids({ limit: 100, search: 'REFUND "order' })).toEqual([43]);
    });

    it('filters by tenant and project', async () => {
      expect((await traces.listTraces({ limit: 10, project: 'p1' })).data).toEqual([]);
      expect(
        (await traces.listTraces({ limit: 10, tenant: 'default', project: 'default' })).data,
      ).toHaveLength(10);
    });

    it('aggregates buckets grouped by model with percentiles, error, cache and cost figures', async () => {
      const points = await aggregate(analytics, {
        from: start,
        to: start + 2 * hour,
        bucketMs: hour,
        groupBy: 'model',
      });
      expect(points.map((point) => [point.bucketStart, point.group, point.requests])).toEqual([
        [start, 'gpt-4o-mini', 100],
        [start + hour, 'claude-haiku', 10],
      ]);
      const [mini, claude] = points;
      expect(mini).toMatchObject({
        errors: 10,
        errorRate: 0.1,
        cacheHitRate: 0.25,
        guardrailTriggerRate: null,
      });
      expect(mini!.cost).toBeCloseTo(0.1, 10);
      // Log-scale bins: within ~3% of the exact nearest-rank percentiles (50, 95, 99 ms).
      expect(mini!.latencyP50Ms! / 50).toBeCloseTo(1, 1);
      expect(mini!.latencyP95Ms! / 95).toBeCloseTo(1, 1);
      expect(mini!.latencyP99Ms! / 99).toBeCloseTo(1, 1);
      expect(mini!.ttftP95Ms! / 20).toBeCloseTo(1, 1);
      expect(claude).toMatchObject({ cost: null, ttftP50Ms: null, cacheHitRate: null });
      expect(claude!.latencyP50Ms! / 2000).toBeCloseTo(1, 1);
    });

    it('lists sessions with their trace count and span of time', async () => {
      const sessions = await analytics.listSessions({ limit: 10 });
      expect(sessions).toEqual([
        expect.objectContaining({ sessionId: 'conv-1', traces: 3, firstTime: start, errors: 1 }),
      ]);
    });
  });
}
