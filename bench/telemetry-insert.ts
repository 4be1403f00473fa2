/**
 * `npm run bench:telemetry`: how fast the trace repository stores telemetry on SQLite, and how long it
 * holds the event loop (better-sqlite3 is synchronous: whatever of it runs on the main thread, the
 * gateway serves nothing meanwhile). `insertBatch` is asynchronous, so its duration (call ms) is
 * latency, not blocking; what delays requests is the event-loop delay while inserting, measured with
 * perf_hooks' monitorEventLoopDelay at 1 ms resolution (p99 and max), and the stalls over 5 and 20 ms;
 * and how much of the main thread the inserts take (event-loop busy ms per 1,000 traces, from
 * eventLoopUtilization: work on a telemetry worker thread does not count).
 *
 * Inserts realistic events (a ~2 KB trace row, 3 observations, ids from the gateway's generator) into a temporary SQLite file, once per
 * batch size, each run in a fresh file. Events are built before the clock starts, so only the
 * repository (row conversion, SQL, SQLite, handing batches to another thread) is measured; a one-event
 * batch is written first, so preparing statements and starting a worker thread are not. Delays
 * include GC pauses, WAL checkpoints and the OS descheduling the process, as they would in the gateway.
 *
 * Options (env): BENCH_TRACES (default 20000), BENCH_BATCH_SIZES (comma-separated, default "500,1000").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openDatabase } from '../src/storage/database.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { createTraceRepository } from '../src/storage/trace-repository.js';
import { traceToRow } from '../src/storage/trace-rows.js';
import { newSpanId, newTraceId } from '../src/telemetry/ids.js';
import type { ObservationRecord, TraceEvent } from '../src/telemetry/model.js';

const traceCount = Number(process.env.BENCH_TRACES ?? 20_000);
const batchSizes = (process.env.BENCH_BATCH_SIZES ?? '500,1000').split(',').map(Number);

interface RunResult {
  batchSize: number;
  seconds: number;
  tracesPerSecond: number;
  observationsPerSecond: number;
  medianCallMs: number;
  longestCallMs: number;
  mainBusyMsPer1000: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  stallsOver5Ms: number;
  stallsOver20Ms: number;
}

/** A chat completion as the gateway records it with content capture on: retrieved context makes it ~2 KB. */
function makeEvent(index: number): TraceEvent {
  const startTime = 1_760_000_000_000 + index * 3;
  const id = newTraceId(startTime);
  const context = `Order #${index} shipped on 2025-06-0${index % 9} via carrier ${index % 7}; `.repeat(28);
  const generation = (attempt: number, ok: boolean): ObservationRecord => ({
    id: newSpanId(),
    traceId: id,
    parentId: null,
    type: 'generation',
    name: `attempt ${attempt}`,
    startTime: startTime + 3 + attempt * 100,
    endTime: startTime + 90 + attempt * 100,
    latencyMs: ok ? 412.7 : 87.25,
    ttftMs: ok ? 143.5 : null,
    provider: ok ? 'azure-eu' : 'openai-main',
    model: 'gpt-4o-mini-2024-07-18',
    status: ok ? 'ok' : 'error',
    httpStatus: ok ? 200 : 429,
    usage: ok
      ? { inputTokens: 512, outputTokens: 96, totalTokens: 608, cachedInputTokens: 256, estimated: false }
      : null,
    cost: ok ? 0.0001344 : null,
    errorMessage: ok ? null : 'Rate limit reached for gpt-4o-mini in organization org-abc on tokens per min',
    attributes: ok
      ? { providerType: 'azure' }
      : { providerType: 'openai', retryable: true, code: 'rate_limit_exceeded' },
  });
  return {
    trace: {
      id,
      requestId: `req_${index.toString(36)}`,
      startTime,
      endTime: startTime + 640,
      durationMs: 640.125,
      endpoint: 'chat.completions',
      model: 'gpt-4o-mini',
      provider: 'azure-eu',
      providerType: 'azure',
      upstreamModel: 'gpt-4o-mini-2024-07-18',
      status: 'ok',
      httpStatus: 200,
      stream: index % 2 === 0,
      user: `user-${index % 50}`,
      usage: {
        inputTokens: 512,
        outputTokens: 96,
        totalTokens: 608,
        cachedInputTokens: 256,
        estimated: false,
      },
      cost: 0.0001344,
      ttftMs: 151.25,
      errorType: null,
      errorMessage: null,
      metadata: { team: 'support', feature: 'order-status', environment: 'production' },
      input: [
        {
          role: 'system',
          content: 'You are a support assistant for an online shop. Answer briefly and politely.',
        },
        { role: 'user', content: `Context:\n${context}\nQuestion: where is my order #${index}?` },
      ],
      output: {
        role: 'assistant',
        content: `Your order #${index} shipped on 2025-06-0${index % 9}. It should arrive within three working days; you will get a tracking link by e-mail.`,
      },
      warnings: [],
      tenantId: 'default',
      projectId: 'default',
      keyId: null,
      prompt: null,
    },
    observations: [
      {
        ...generation(0, false),
        id: newSpanId(),
        type: 'guardrail',
        name: 'pii',
        provider: null,
        model: null,
        httpStatus: null,
        status: 'ok',
        errorMessage: null,
        attributes: { matched: 0 },
      },
      generation(1, false),
      generation(2, true),
    ],
  };
}

/** Bytes of the stored trace row's values, to show the fixture is the intended size. */
function rowBytes(event: TraceEvent): number {
  return Object.values(traceToRow(event.trace)).reduce<number>(
    (sum, value) => sum + (typeof value === 'string' ? Buffer.byteLength(value) : 8),
    0,
  );
}

/**
 * Watches the event loop while inserting: monitorEventLoopDelay's histogram (how late a 1 ms timer
 * fires, in ns) for the percentiles, and a 1 ms interval of our own to count the separate stalls.
 */
function watchLoopDelay(): {
  stop: () => { p99Ms: number; maxMs: number; stallsOver5Ms: number; stallsOver20Ms: number };
} {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let stallsOver5Ms = 0;
  let stallsOver20Ms = 0;
  let last = performance.now();
  const sampler = setInterval(() => {
    const now = performance.now();
    const lateMs = now - last - 1;
    last = now;
    if (lateMs > 5) stallsOver5Ms += 1;
    if (lateMs > 20) stallsOver20Ms += 1;
  }, 1);
  return {
    stop: () => {
      clearInterval(sampler);
      histogram.disable();
      return {
        p99Ms: histogram.percentile(99) / 1e6,
        maxMs: histogram.max / 1e6,
        stallsOver5Ms,
        stallsOver20Ms,
      };
    },
  };
}

async function run(events: TraceEvent[], batchSize: number): Promise<RunResult> {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-telemetry-bench-'));
  const database = await openDatabase(join(directory, 'bench.db'));
  try {
    await migrateToLatest(database);
    const repository = createTraceRepository(database);
    // An id outside the measured events' range (they use 1..traceCount).
    await repository.insertBatch([makeEvent(events.length)]);
    const busyBefore = performance.eventLoopUtilization();
    const callsMs: number[] = [];
    const loop = watchLoopDelay();
    const started = performance.now();
    for (let start = 0; start < events.length; start += batchSize) {
      const batch = events.slice(start, start + batchSize);
      const before = performance.now();
      await repository.insertBatch(batch);
      callsMs.push(performance.now() - before);
      // As between the bulk writer's flushes: give the loop a turn (timers, I/O, GC) before the next batch.
      await nextTurn();
    }
    const seconds = (performance.now() - started) / 1000;
    const delay = loop.stop();
    // Includes the 1 ms sampler's own wake-ups, the same for every write path.
    const busy = performance.eventLoopUtilization(busyBefore);
    const observations = events.reduce((sum, event) => sum + event.observations.length, 0);
    const sorted = [...callsMs].sort((a, b) => a - b);
    return {
      batchSize,
      seconds,
      tracesPerSecond: events.length / seconds,
      observationsPerSecond: observations / seconds,
      medianCallMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
      longestCallMs: sorted.at(-1) ?? 0,
      mainBusyMsPer1000: (busy.active / events.length) * 1000,
      loopDelayP99Ms: delay.p99Ms,
      loopDelayMaxMs: delay.maxMs,
      stallsOver5Ms: delay.stallsOver5Ms,
      stallsOver20Ms: delay.stallsOver20Ms,
    };
  } finally {
    await database.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const events = Array.from({ length: traceCount }, (_, index) => makeEvent(index));
  const averageBytes = Math.round(
    events.slice(0, 100).reduce((sum, event) => sum + rowBytes(event), 0) / 100,
  );
  console.log(
    `telemetry insert bench: ${traceCount} traces (~${averageBytes} B per trace row, 3 observations each) into a temporary SQLite file\n`,
  );
  const header = [
    'batch',
    'seconds',
    'traces/s',
    'observations/s',
    'median call ms',
    'longest call ms',
    'main busy ms/1k',
    'loop delay p99 ms',
    'loop delay max ms',
    'stalls > 5 ms',
    'stalls > 20 ms',
  ];
  const rows: string[][] = [];
  for (const batchSize of batchSizes) {
    const result = await run(events, batchSize);
    rows.push([
      String(result.batchSize),
      result.seconds.toFixed(2),
      Math.round(result.tracesPerSecond).toLocaleString('en-US'),
      Math.round(result.observationsPerSecond).toLocaleString('en-US'),
      result.medianCallMs.toFixed(1),
      result.longestCallMs.toFixed(1),
      result.mainBusyMsPer1000.toFixed(1),
      result.loopDelayP99Ms.toFixed(1),
      result.loopDelayMaxMs.toFixed(1),
      String(result.stallsOver5Ms),
      String(result.stallsOver20Ms),
    ]);
  }
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

await main();
