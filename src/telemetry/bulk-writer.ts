/**
 * The bulk writer: the data plane's TelemetrySink (ARCHITECTURE §1.3). `record` only appends to an
 * in-memory queue; a timer and a full batch trigger writes of up to `batchSize` events, one write at a
 * time. While the store is down, events stay queued and writes are retried with capped exponential
 * backoff; past `maxQueue` the oldest events are dropped and counted, so memory stays bounded.
 */
import { EventQueue } from './event-queue.js';
import type { TelemetryEvent } from './model.js';

export interface BulkWriterLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface BulkWriterOptions<Event = TelemetryEvent> {
  /** Stores a batch in one transaction; rejects when nothing was stored (the batch is retried). */
  write: (events: Event[]) => Promise<void>;
  /** Period of the flush timer. */
  flushIntervalMs: number;
  /** Most events per write; reaching it queued starts a write at once. */
  batchSize: number;
  /** Most events held (queued and in flight); beyond it the oldest queued are dropped. */
  maxQueue: number;
  logger?: BulkWriterLogger;
  /** First retry delay after a failed write (default 100 ms); doubles per consecutive failure. */
  initialBackoffMs?: number;
  /** Longest retry delay (default 5 s). */
  maxBackoffMs?: number;
  /** Longest `close()` spends writing what is left (default 10 s). */
  closeTimeoutMs?: number;
}

export interface BulkWriterStats {
  /** Events waiting, including those of the write in flight. */
  queued: number;
  /** Events stored. */
  written: number;
  /** Events given up on: oldest dropped past maxQueue, recorded after close, or unwritten at close. */
  dropped: number;
  /** Write attempts that failed. */
  failedWrites: number;
  /** Message of the last failed write, null until one fails. */
  lastError: string | null;
  /** The bound on `queued`: at it, every new event drops the oldest. */
  maxQueue: number;
  /**
   * How long events have been waiting without any write succeeding (ms): 0 when nothing is queued.
   * A growing value means the writer is stuck (store down, a write hanging).
   */
  stalledMs: number;
}

export interface BulkWriter<Event = TelemetryEvent> {
  /** Queues an event; never blocks, never throws (the data plane's `TelemetrySink`). */
  record(event: Event): void;
  stats(): BulkWriterStats;
  /** Writes everything queued now (ignoring any backoff); resolves when done or when a write fails. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left, retrying within `closeTimeoutMs`; later events are dropped. */
  close(): Promise<void>;
}

const closeAttempts = 4;
// Consecutive failures between two error logs while the store stays down (~1 a minute at a 5 s backoff).
const failuresPerLog = 12;

/**
 * @example
 * const writer = createBulkWriter({ write: traces.insertBatch, flushIntervalMs: 100, batchSize: 1000, maxQueue: 100_000, logger });
 * pipeline.telemetry = writer; // record() from the data plane
 * onShutdown(() => writer.close());
 */
export function createBulkWriter<Event = TelemetryEvent>(
  options: BulkWriterOptions<Event>,
): BulkWriter<Event> {
  const { write, flushIntervalMs, maxQueue, logger } = options;
  if (!(flushIntervalMs > 0) || !(options.batchSize >= 1) || !(maxQueue >= 1)) {
    throw new RangeError('bulk writer: flushIntervalMs, batchSize and maxQueue must be positive');
  }
  // A batch larger than the queue could leave nothing droppable when the queue overflows.
  const batchSize = Math.min(options.batchSize, maxQueue);
  const initialBackoffMs = options.initialBackoffMs ?? 100;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;

  const queue = new EventQueue<Event>();
  let inFlight = 0;
  let writing: Promise<void> | null = null;
  let written = 0;
  let dropped = 0;
  let failedWrites = 0;
  let consecutiveFailures = 0;
  let lastError: string | null = null;
  // Since when events have waited with no successful write: the later of the last write and the
  // moment the queue stopped being empty.
  let waitingSince: number | null = null;
  let dropping = false;
  let closing: Promise<void> | null = null;
  // closeRequested: close() has begun (retries are paced by it); closed: it has finished (events are dropped).
  let closeRequested = false;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let batchTrigger: NodeJS.Immediate | null = null;
  const flushTimer = setInterval(startWriting, flushIntervalMs);
  // Telemetry must never keep a process alive on its own; shutdown goes through close().
  flushTimer.unref();

  function record(event: Event): void {
    if (closed) {
      dropped += 1;
      return;
    }
    if (queue.length + inFlight === 0) waitingSince = Date.now();
    queue.push(event);
    if (queue.length + inFlight > maxQueue) dropOldest(1);
    // Start the write outside the caller's stack: the data plane must not pay for building the batch.
    if (
      queue.length >= batchSize &&
      batchTrigger === null &&
      writing === null &&
      retryTimer === null &&
      !closeRequested
    ) {
      batchTrigger = setImmediate(startWriting);
      batchTrigger.unref();
    }
  }

  function dropOldest(count: number): void {
    for (let index = 0; index < count; index += 1) queue.shift();
    dropped += count;
    if (!dropping) {
      dropping = true;
      log('warn', { maxQueue, dropped, lastError }, 'telemetry queue full: dropping the oldest events');
    }
  }

  /** Starts draining unless a write is running, a retry is pending, or nothing is queued. */
  function startWriting(): void {
    batchTrigger = null;
    if (writing !== null || retryTimer !== null || queue.length === 0) return;
    writing = drain().finally(() => {
      writing = null;
    });
  }

  // Writes batches until the queue is empty or a write fails; never rejects.
  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.take(batchSize);
      inFlight = batch.length;
      try {
        await write(batch);
      } catch (error) {
        inFlight = 0;
        onWriteFailed(batch, error);
        return;
      }
      inFlight = 0;
      written += batch.length;
      waitingSince = queue.length === 0 ? null : Date.now();
      dropping = false;
      if (consecutiveFailures > 0) {
        log('warn', { failedWrites: consecutiveFailures }, 'telemetry store accepts writes again');
        consecutiveFailures = 0;
      }
    }
  }

  function onWriteFailed(batch: Event[], error: unknown): void {
    failedWrites += 1;
    lastError = error instanceof Error ? error.message : String(error);
    if (closed) {
      // close() gave up waiting for this write and already reported it as unconfirmed.
      dropped += batch.length;
      return;
    }
    queue.restore(batch);
    if (queue.length > maxQueue) dropOldest(queue.length - maxQueue);
    consecutiveFailures += 1;
    const delayMs = backoff(consecutiveFailures);
    if (consecutiveFailures === 1 || consecutiveFailures % failuresPerLog === 0) {
      log(
        'error',
        { err: error, queued: queue.length, consecutiveFailures, retryInMs: delayMs },
        'telemetry write failed; retrying',
      );
    }
    // During close() the closing loop paces the retries itself.
    if (!closeRequested) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        startWriting();
      }, delayMs);
      retryTimer.unref();
    }
  }

  function backoff(failures: number): number {
    return Math.min(initialBackoffMs * 2 ** Math.min(failures - 1, 30), maxBackoffMs);
  }

  async function flush(): Promise<void> {
    if (writing !== null) await writing;
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    startWriting();
    if (writing !== null) await writing;
  }

  async function finish(): Promise<void> {
    closeRequested = true;
    clearInterval(flushTimer);
    if (retryTimer !== null) clearTimeout(retryTimer);
    if (batchTrigger !== null) clearImmediate(batchTrigger);
    retryTimer = null;
    batchTrigger = null;
    const deadline = Date.now() + closeTimeoutMs;
    for (let attempt = 1; attempt <= closeAttempts; attempt += 1) {
      const drained = flush();
      // A write stuck on a dead connection must not hold shutdown past the deadline.
      if (!(await settlesBefore(drained, deadline))) break;
      if (queue.length === 0 || attempt === closeAttempts) break;
      const delayMs = Math.min(backoff(attempt), deadline - Date.now());
      if (delayMs <= 0) break;
      await sleep(delayMs);
    }
    closed = true;
    const lost = queue.length;
    if (lost > 0 || inFlight > 0) {
      queue.clear();
      waitingSince = null;
      dropped += lost;
      log(
        'error',
        { lost, unconfirmed: inFlight, lastError },
        'telemetry events lost on shutdown: the store did not accept them in time',
      );
    }
  }

  function close(): Promise<void> {
    closing ??= finish();
    return closing;
  }

  function stats(): BulkWriterStats {
    const queued = queue.length + inFlight;
    const stalledMs = queued === 0 || waitingSince === null ? 0 : Date.now() - waitingSince;
    return { queued, written, dropped, failedWrites, lastError, maxQueue, stalledMs };
  }

  function log(level: 'warn' | 'error', details: object, message: string): void {
    try {
      logger?.[level](details, message);
    } catch {
      // A broken logger must not break record() or the writer.
    }
  }

  return { record, stats, flush, close };
}

// Resolves true if the promise settles before the deadline (epoch ms), false otherwise.
async function settlesBefore(promise: Promise<void>, deadline: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Referenced on purpose: during shutdown the process must stay alive until the retries are done.
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
