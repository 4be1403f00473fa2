/**
 * The per-minute rollups answer aggregates exactly as the scan of the traces does — same counts,
 * sums, rates and (same bins) percentiles — on SQLite and PostgreSQL: for every grouping and filter
 * they cover, over windows whose ends fall mid-minute, after a batch is retried, and after retention
 * and a user's erasure delete traces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate, type AggregatePoint } from '../telemetry/queries/aggregate.js';
import type { TraceStatus } from '../telemetry/model.js';
import { openDatabase, type Database } from './database.js';
import { migrateToLatest } from './migrate.js';
import {
  createPostgresTestDatabase,
  postgresAvailable,
  type PostgresTestDatabase,
} from './testing/postgres-test-database.js';
import { makeEvent } from './testing/trace-fixtures.js';
import { createTraceAnalytics, type AggregateQuery, type TraceAnalytics } from './trace-analytics.js';
import { createTraceRepository } from './trace-repository.js';
import { createTraceRetention } from './trace-retention.js';
import { latencyBin } from './trace-rollups.js';
import { traceRollups } from './migrations/0009-trace-rollups.js';
import { sql, type Kysely } from 'kysely';

const hour = 3_600_000;
const start = 1_750_000_000_000 - (1_750_000_000_000 % hour);
const models = ['gpt-4o-mini', 'gpt-4o', 'claude-haiku'];

const backends = [
  { name: 'SQLite', available: true, open: () => openDatabase(':memory:'), drop: () => Promise.resolve() },
  {
    name: 'PostgreSQL',
    available: await postgresAvailable(),
    testDatabase: undefined as PostgresTestDatabase | undefined,
    async open() {
      this.testDatabase = (await createPostgresTestDatabase())!;
      return openDatabase(this.testDatabase.url);
    },
    drop(this: { testDatabase?: PostgresTestDatabase }) {
      return this.testDatabase?.drop() ?? Promise.resolve();
    },
  },
];

/** 1,200 traces over 4 hours, ~every 12 s, varied along every dimension the rollups keep. */
function events() {
  return Array.from({ length: 1_200 }, (_, index) =>
    makeEvent({
      startTime: start + index * 12_007,
      durationMs: 5 + ((index * 7919) % 4000) + (index % 3) / 7,
      model: models[index % 3]!,
      provider: index % 4 === 0 ? null : `provider-${index % 2}`,
      status: (index % 17 === 0 ? 'error' : 'ok') as TraceStatus,
      cost: index % 5 === 0 ? null : 0.0001 * (index % 13),
      ttftMs: index % 2 === 0 ? 30 + (index % 400) : null,
      cacheHit: index % 3 === 0 ? null : index % 3 === 1,
      guardrailTriggered: index % 4 === 0 ? null : index % 11 === 0,
      user: `user-${index % 9}`,
      tenantId: `tenant-${index % 2}`,
      projectId: `project-${index % 4}`,
      keyId: index % 6 === 0 ? null : `key-${index % 5}`,
      source: index % 10 === 0 ? 'otlp' : 'gateway',
      prompt:
        index % 7 === 0
          ? { name: 'support', version: 1 + (index % 2), label: null, experimentId: null, variant: null }
          : null,
      usage: {
        inputTokens: index % 8 === 0 ? null : 100 + index,
        outputTokens: 20 + (index % 50),
        totalTokens: null,
        cachedInputTokens: null,
        estimated: false,
      },
    }),
  );
}

function expectSame(rollup: AggregatePoint[], exact: AggregatePoint[]): void {
  expect(rollup.map((point) => [point.bucketStart, point.group])).toEqual(
    exact.map((point) => [point.bucketStart, point.group]),
  );
  rollup.forEach((point, index) => {
    const reference = exact[index]!;
    const { cost, ...rest } = point;
    const { cost: referenceCost, ...referenceRest } = reference;
    expect(rest).toEqual(referenceRest);
    if (referenceCost === null) expect(cost).toBeNull();
    else expect(cost).toBeCloseTo(referenceCost, 9);
  });
}

for (const backend of backends) {
  describe.skipIf(!backend.available)(`trace rollups on ${backend.name}`, () => {
    let database: Database;
    let analytics: TraceAnalytics;
    const all = events();

    beforeAll(async () => {
      database = await backend.open();
      await migrateToLatest(database);
      const traces = createTraceRepository(database);
      analytics = createTraceAnalytics(database);
      await traces.insertBatch(all.slice(0, 700));
      // A retried batch whose first attempt committed: nothing may be counted twice.
      await traces.insertBatch(all.slice(600, 1_200));
    });
    afterAll(async () => {
      await database?.close();
      await backend.drop();
    });

    const compare = async (query: AggregateQuery) => {
      const rows = await analytics.aggregateRows(query);
      expect(rows.path).toBe('rollup');
      const exact = await aggregate(analytics, query, { exact: true });
      expect(exact.length).toBeGreaterThan(0);
      expectSame(await aggregate(analytics, query), exact);
      return exact;
    };

    it('matches the exact scan for every grouping and filter it covers, with mid-minute window ends', async () => {
      const from = start + 17_123;
      const to = start + 4 * hour - 31_000;
      for (const groupBy of [
        'none',
        'model',
        'provider',
        'source',
        'key',
        'project',
        'prompt_version',
      ] as const) {
        await compare({ from, to, bucketMs: hour, groupBy });
      }
      await compare({ from, to, bucketMs: 15 * 60_000, groupBy: 'model', provider: 'provider-1' });
      await compare({ from, to, bucketMs: hour, groupBy: 'none', tenant: 'tenant-1', project: 'project-3' });
      await compare({ from, to, bucketMs: 2 * hour, groupBy: 'key', source: 'otlp', model: 'gpt-4o' });
    });

    it('counts each stored trace once, and its percentiles are within 2.5% of the true ones', async () => {
      const [point] = await compare({
        from: start,
        to: start + 5 * hour,
        bucketMs: 5 * hour,
        groupBy: 'none',
      });
      expect(point!.requests).toBe(1_200);
      const durations = all.map((event) => event.trace.durationMs).sort((a, b) => a - b);
      for (const [q, value] of [
        [0.5, point!.latencyP50Ms],
        [0.95, point!.latencyP95Ms],
        [0.99, point!.latencyP99Ms],
      ] as const) {
        const truth = durations[Math.ceil(q * durations.length) - 1]!;
        expect(Math.abs(value! / truth - 1)).toBeLessThanOrEqual(Math.exp(0.5 / 20) - 1);
        expect(latencyBin(value!)).toBe(latencyBin(truth));
      }
    });

    it('falls back to the exact scan where rollups do not reach, with the same answer shape', async () => {
      for (const query of [
        { from: start, to: start + 4 * hour, bucketMs: hour, groupBy: 'user' as const },
        { from: start, to: start + 4 * hour, bucketMs: hour, groupBy: 'none' as const, user: 'user-1' },
        { from: start, to: start + 4 * hour, bucketMs: 90_000 + 500, groupBy: 'none' as const },
        { from: start, to: start + 10 * 60_000, bucketMs: 60_000, groupBy: 'none' as const },
      ]) {
        expect((await analytics.aggregateRows(query)).path).toBe('exact');
      }
    });

    it('stays equal to the scan after retention and a user erasure delete traces', async () => {
      const retention = createTraceRetention(database);
      await retention.deleteUserData('user-4');
      await retention.deleteOlderThan(start + hour + 30_000, { batchSize: 100 });
      await retention.deleteOlderThan(start + 2 * hour, { batchSize: 100, project: 'project-1' });
      const [point] = await compare({
        from: start,
        to: start + 5 * hour,
        bucketMs: 5 * hour,
        groupBy: 'none',
      });
      expect(point!.requests).toBeLessThan(1_200 - 133);
      await compare({ from: start + 61_000, to: start + 4 * hour, bucketMs: hour, groupBy: 'project' });
    });

    it('rolls up the traces stored before its migration ran', async () => {
      const query = { from: start, to: start + 5 * hour, bucketMs: hour, groupBy: 'model' as const };
      const before = await aggregate(analytics, query);
      await sql`drop table trace_rollups`.execute(database.db);
      await traceRollups.up(database.db as unknown as Kysely<unknown>, database.dialect);
      expectSame(await aggregate(analytics, query), before);
    });
  });
}
