/**
 * The main-thread side of SQLite telemetry writes for a database file: batches go to a worker thread
 * (sqlite-telemetry-worker.ts) with its own connection to the file, so better-sqlite3's synchronous
 * work never blocks the event loop and the data plane never waits on the store (ARCHITECTURE §1.3).
 *
 * The thread starts with the first batch. `close()` lets it answer every batch it was sent, then ends
 * it. A thread that dies rejects the batches it held (the bulk writer retries them) and is replaced by
 * the next batch; nothing here throws outside a returned promise.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { workerEntry, type WorkerEntry } from '../runtime/worker-entry.js';
import type { TelemetryEvent } from '../telemetry/model.js';
import type { TelemetryReply, TelemetryRequest, TelemetryWorkerData } from './sqlite-telemetry-protocol.js';
import type { TraceRowWriter } from './trace-row-writer.js';
import { eventsToRows } from './trace-rows.js';

export interface SqliteTelemetryThread {
  /** Stores the events on the worker thread in one transaction; resolves once committed. */
  write: TraceRowWriter;
  /** Waits for the answers to the batches sent (within a timeout), then ends the thread. Later writes reject. */
  close(): Promise<void>;
  /**
   * Ends the thread at once, as a crash would: batches in flight reject, the next write starts a new
   * thread. For tests of that recovery.
   */
  terminate(): Promise<void>;
}

export interface SqliteTelemetryThreadOptions {
  /** Most events per message to the worker (default 100); see `defaultEventsPerMessage`. */
  eventsPerMessage?: number;
  /** Longest `close()` waits for answers before ending the thread anyway (default 10 s). */
  closeTimeoutMs?: number;
}

// Cloning events into a message is synchronous work on this thread, ~15 µs per 3 KB event measured:
// a 1000-event batch in one message held the event loop 10–25 ms. 100 events a message, with a turn
// of the loop between messages, keeps each piece around 1–2 ms.
const defaultEventsPerMessage = 100;
const defaultCloseTimeoutMs = 10_000;

interface Reply {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** One worker thread and the batches it has been sent but not answered. */
interface RunningThread {
  worker: Worker;
  replies: Map<number, Reply>;
  /** Why the thread stopped, once it has. */
  stopped: Error | null;
  exited: Promise<void>;
}

/**
 * @example
 * const thread = createSqliteTelemetryThread('/srv/gatehouse/.gatehouse/gatehouse.db');
 * await thread.write(events);
 * await thread.close();
 */
export function createSqliteTelemetryThread(
  path: string,
  options: SqliteTelemetryThreadOptions = {},
): SqliteTelemetryThread {
  const eventsPerMessage = options.eventsPerMessage ?? defaultEventsPerMessage;
  const closeTimeoutMs = options.closeTimeoutMs ?? defaultCloseTimeoutMs;
  const workerData: TelemetryWorkerData = { path };
  let running: RunningThread | null = null;
  let nextId = 0;
  // Writes not yet settled, sending included: close() waits for them before ending the thread.
  const writing = new Set<Promise<void>>();
  let closing: Promise<void> | null = null;

  function start(): RunningThread {
    const entry = telemetryWorkerEntry();
    const worker = new Worker(entry.script, { eval: entry.isCode, workerData });
    // Only a batch awaiting its answer keeps the process alive (ref'd while replies are pending).
    worker.unref();
    const thread: RunningThread = {
      worker,
      replies: new Map(),
      stopped: null,
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    };
    worker.on('message', (reply: TelemetryReply) => {
      const waiting = thread.replies.get(reply.id);
      if (waiting === undefined) return;
      forget(thread, reply.id);
      if (reply.ok) waiting.resolve();
      else waiting.reject(new Error(reply.message));
    });
    // An 'error' listener also keeps a failing thread from becoming an uncaught exception here.
    worker.on('error', (error) => stop(thread, error));
    worker.on('exit', (code) => stop(thread, new Error(`exit code ${code}`)));
    return thread;
  }

  function stop(thread: RunningThread, cause: Error): void {
    thread.stopped ??= new Error(`SQLite telemetry thread stopped: ${cause.message}`, { cause });
    if (running === thread) running = null;
    for (const waiting of thread.replies.values()) waiting.reject(thread.stopped);
    thread.replies.clear();
  }

  function expect(thread: RunningThread, id: number): Promise<void> {
    if (thread.stopped !== null) return Promise.reject(thread.stopped);
    if (thread.replies.size === 0) thread.worker.ref();
    return new Promise((resolve, reject) => thread.replies.set(id, { resolve, reject }));
  }

  function forget(thread: RunningThread, id: number): void {
    thread.replies.delete(id);
    if (thread.replies.size === 0) thread.worker.unref();
  }

  async function send(events: TelemetryEvent[]): Promise<void> {
    running ??= start();
    const thread = running;
    nextId += 1;
    const id = nextId;
    const answered = expect(thread, id);
    // Handled at once: the thread may die while the later parts wait for their turn below.
    answered.catch(() => undefined);
    try {
      for (let offset = 0; offset < events.length && thread.stopped === null; offset += eventsPerMessage) {
        const last = offset + eventsPerMessage >= events.length;
        const part = offset === 0 && last ? events : events.slice(offset, offset + eventsPerMessage);
        post(thread, id, part, last);
        if (!last) await nextTurn();
      }
    } catch (error) {
      forget(thread, id);
      thread.worker.postMessage({ type: 'discard', id } satisfies TelemetryRequest);
      throw error;
    }
    return answered;
  }

  function post(thread: RunningThread, id: number, events: TelemetryEvent[], last: boolean): void {
    try {
      thread.worker.postMessage({ type: 'events', id, events, last } satisfies TelemetryRequest);
    } catch {
      // Structured clone refuses functions and symbols (in captured content or attributes), and the
      // batch would fail on every retry. trace-rows.ts makes any value storable and its rows hold only
      // strings and numbers, so this part goes converted.
      thread.worker.postMessage({
        type: 'rows',
        id,
        rows: eventsToRows(events),
        last,
      } satisfies TelemetryRequest);
    }
  }

  function write(events: TelemetryEvent[]): Promise<void> {
    if (closing !== null) return Promise.reject(new Error('the SQLite telemetry thread is closed'));
    const sending = send(events);
    writing.add(sending);
    const settled = (): void => {
      writing.delete(sending);
    };
    sending.then(settled, settled);
    return sending;
  }

  async function finish(): Promise<void> {
    const answered = Promise.allSettled(writing).then(async () => {
      const thread = running;
      if (thread === null) return;
      // Messages are handled in order, so this follows the last batch; the thread then ends by itself.
      thread.worker.ref();
      thread.worker.postMessage({ type: 'close' } satisfies TelemetryRequest);
      await thread.exited;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), closeTimeoutMs);
    });
    try {
      // A batch stuck on a lock must not hold shutdown forever.
      if (await Promise.race([answered.then(() => false), timedOut])) await terminate();
    } finally {
      clearTimeout(timer);
    }
  }

  function close(): Promise<void> {
    closing ??= finish();
    return closing;
  }

  async function terminate(): Promise<void> {
    const thread = running;
    if (thread === null) return;
    stop(thread, new Error('terminated'));
    await thread.worker.terminate();
  }

  return { write, close, terminate };
}

let cachedEntry: WorkerEntry | undefined;

function telemetryWorkerEntry(): WorkerEntry {
  cachedEntry ??= workerEntry(import.meta.url, 'sqlite-telemetry-worker');
  return cachedEntry;
}
