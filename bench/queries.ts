/**
 * `npm run bench:queries`: the dashboard queries at scale. Writes BENCH_OBSERVATIONS (default
 * 1,000,000) synthetic observations — a root span and two generation attempts per trace, ~333k traces
 * over the last 7 days, 6 models, 3 providers, 3% errors, short captured content — through the bulk
 * writer into a fresh SQLite file and a fresh PostgreSQL database, then times (median of 5, and the
 * first, cold run) what the UI asks for: the trace list's first page, unfiltered and filtered, a
 * full-text search, and 24 h aggregates by hour (from the per-minute rollups, and for comparison the
 * same aggregate forced to scan the traces, and one grouped by user, which rollups do not cover). The target is under 200 ms for the first page and the
 * 24 h aggregate on both engines. Reported, never asserted.
 *
 * Options (env): BENCH_OBSERVATIONS, BENCH_STORES (comma-separated, default "sqlite,postgres").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { createPostgresTestDatabase } from '../src/storage/testing/postgres-test-database.js';
import { createTraceAnalytics } from '../src/storage/trace-analytics.js';
import { createTraceRepository } from '../src/storage/trace-repository.js';
import { createBulkWriter } from '../src/telemetry/bulk-writer.js';
import { newSpanId, newTraceId } from '../src/telemetry/ids.js';
import type { ObservationRecord, TraceEvent } from '../src/telemetry/model.js';
import { aggregate } from '../src/telemetry/queries/aggregate.js';

const observationCount = Number(process.env.BENCH_OBSERVATIONS ?? 1_000_000);
const stores = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',');
const day = 86_400_000;
const models = ['gpt-4o-mini', 'gpt-4o', 'claude-haiku', 'claude-sonnet', 'gemini-flash', 'llama-3-70b'];
const providers = ['openai-main', 'anthropic-main', 'gemini-main'];
const words = ['refund', 'invoice', 'shipping', 'password', 'upgrade', 'cancel', 'delivery', 'warranty'];

function makeEvent(index: number, traces: number, now: number): TraceEvent {
  const startTime = Math.floor(now - 7 * day + (index * 7 * day) / traces);
  const id = newTraceId(startTime);
  const model = models[index % models.length]!;
  const provider = providers[index % providers.length]!;
  const failed = index % 33 === 0;
  const durationMs = 200 + ((index * 7919) % 3000);
  const usage = {
    inputTokens: 300,
    outputTokens: 120,
    totalTokens: 420,
    cachedInputTokens: null,
    estimated: false,
  };
  const rootId = newSpanId();
  const attempt = (offset: number, ok: boolean): ObservationRecord => ({
    id: newSpanId(),
    traceId: id,
    parentId: rootId,
    type: 'generation',
    name: `${provider}/${model}`,
    startTime: startTime + offset,
    endTime: startTime + offset + durationMs / 2,
    latencyMs: durationMs / 2,
    ttftMs: null,
    provider,
    model,
    status: ok ? 'ok' : 'error',
    httpStatus: ok ? 200 : 503,
    usage: ok ? usage : null,
    cost: ok ? 0.00012 : null,
    errorMessage: ok ? null : 'upstream unavailable',
    attributes: { providerType: 'openai' },
  });
  const word = words[index % words.length]!;
  return {
    trace: {
      id,
      requestId: `req-${index}`,
      startTime,
      endTime: startTime + durationMs,
      durationMs,
      endpoint: 'chat.completions',
      model,
      provider,
      providerType: 'openai',
      upstreamModel: model,
      status: failed ? 'error' : 'ok',
      httpStatus: failed ? 502 : 200,
      stream: index % 2 === 0,
      user: `user-${index % 500}`,
      usage,
      cost: 0.00012,
      ttftMs: index % 2 === 0 ? durationMs / 4 : null,
      errorType: failed ? 'upstream_error' : null,
      errorMessage: failed ? 'upstream unavailable' : null,
      metadata: null,
      input: {
        messages: [{ role: 'user', content: `Question ${index} about ${word} for order ${index % 9973}` }],
      },
      output: [{ role: 'assistant', content: `Here is what I found about your ${word}.` }],
      warnings: [],
      source: 'gateway',
      tenantId: 'default',
      projectId: 'default',
      keyId: null,
      prompt: null,
      sessionId: `session-${Math.floor(index / 4)}`,
      tags: index % 10 === 0 ? ['beta'] : [],
    },
    observations: [
      {
        id: rootId,
        traceId: id,
        parentId: null,
        type: 'span',
        name: 'chat.completions',
        startTime,
        endTime: startTime + durationMs,
        latencyMs: durationMs,
        ttftMs: null,
        provider,
        model,
        status: failed ? 'error' : 'ok',
        httpStatus: failed ? 502 : 200,
        usage,
        cost: 0.00012,
        errorMessage: null,
        attributes: {},
      },
      attempt(2, !failed),
      attempt(durationMs / 2, true),
    ],
  };
}

async function open(store: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (store === 'postgres') {
    const testDatabase = await createPostgresTestDatabase();
    if (testDatabase === null) throw new Error('PostgreSQL is not reachable');
    const database = await openDatabase(testDatabase.url);
    return {
      database,
      drop: async () => {
        await database.close();
        await testDatabase.drop();
      },
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-bench-queries-'));
  const database = await openDatabase(join(directory, 'gatehouse.db'));
  return {
    database,
    drop: async () => {
      await database.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function time(run: () => Promise<unknown>): Promise<{ firstMs: number; medianMs: number }> {
  const samples: number[] = [];
  for (let round = 0; round < 6; round += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  const [first, ...warm] = samples;
  warm.sort((a, b) => a - b);
  return { firstMs: first!, medianMs: warm[Math.floor(warm.length / 2)]! };
}

async function benchStore(store: string): Promise<void> {
  const { database, drop } = await open(store);
  try {
    await migrateToLatest(database);
    const traces = createTraceRepository(database);
    const writer = createBulkWriter({
      write: (events) => traces.insertBatch(events),
      flushIntervalMs: 50,
      batchSize: 1_000,
      // Room for every event: the bench measures queries, not drops.
      maxQueue: Math.ceil(observationCount / 3) + 1,
    });
    const traceCount = Math.ceil(observationCount / 3);
    const now = Date.now();
    const loadStarted = performance.now();
    for (let index = 0; index < traceCount; index += 1) {
      writer.record(makeEvent(index, traceCount, now));
      if (writer.stats().queued >= 20_000) await writer.flush();
    }
    await writer.close();
    const stats = writer.stats();
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    console.log(
      `${store}: wrote ${stats.written.toLocaleString()} traces / ${(stats.written * 3).toLocaleString()} observations in ${loadSeconds.toFixed(1)} s (${Math.round((stats.written * 3) / loadSeconds).toLocaleString()} observations/s), dropped ${stats.dropped}`,
    );
    await sql`analyze`.execute(database.db);

    const analytics = createTraceAnalytics(database);
    const dayAgo = now - day;
    const cases: [string, () => Promise<unknown>][] = [
      ['trace list, first page (50)', () => traces.listTraces({ limit: 50 })],
      ['trace list, model filter', () => traces.listTraces({ limit: 50, model: 'claude-haiku' })],
      [
        'trace list, errors in the last 24 h',
        () => traces.listTraces({ limit: 50, status: 'error', from: dayAgo }),
      ],
      ['trace list, full text "refund 1234"', () => traces.listTraces({ limit: 50, search: 'refund 1234' })],
      ['trace list, session', () => traces.listTraces({ limit: 50, session: 'session-1000' })],
      [
        'aggregate 24 h, hourly, all',
        () => aggregate(analytics, { from: dayAgo, to: now, bucketMs: 3_600_000, groupBy: 'none' }),
      ],
      [
        'aggregate 24 h, hourly, by model',
        () => aggregate(analytics, { from: dayAgo, to: now, bucketMs: 3_600_000, groupBy: 'model' }),
      ],
      [
        'aggregate 24 h, by user (scan, not rolled up)',
        () => aggregate(analytics, { from: dayAgo, to: now, bucketMs: 3_600_000, groupBy: 'user' }),
      ],
      [
        'aggregate 24 h, hourly, all, forced scan',
        () =>
          aggregate(
            analytics,
            { from: dayAgo, to: now, bucketMs: 3_600_000, groupBy: 'none' },
            { exact: true },
          ),
      ],
    ];
    for (const [name, run] of cases) {
      const { firstMs, medianMs } = await time(run);
      const verdict =
        name.startsWith('trace list, first page') || name.startsWith('aggregate 24 h, hourly, all')
          ? medianMs < 200
            ? ' (target < 200 ms: met)'
            : ' (target < 200 ms: MISSED)'
          : '';
      console.log(
        `  ${name.padEnd(42)} median ${medianMs.toFixed(1).padStart(7)} ms, first ${firstMs.toFixed(1).padStart(7)} ms${verdict}`,
      );
    }
  } finally {
    await drop();
  }
}

for (const store of stores) await benchStore(store);
