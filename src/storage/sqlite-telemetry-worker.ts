/**
 * Entry of the SQLite telemetry worker thread, started by sqlite-telemetry-thread.ts. It has its own
 * connection to the database file, opened with the main connection's settings, and stores each batch
 * in one transaction. Everything synchronous — converting rows, inserting, committing, and the WAL
 * checkpoints SQLite runs after commits — happens here, off the gateway's event loop; in WAL mode the
 * main connection keeps reading meanwhile.
 *
 * WAL checkpoints are left to SQLite's auto-checkpoint, which runs (PASSIVE) in the connection that
 * commits: this one, so they no longer stall the main thread. An explicit `wal_checkpoint(PASSIVE)`
 * after every answered batch measured no faster (more fsyncs), so there is none.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TelemetryReply, TelemetryRequest, TelemetryWorkerData } from './sqlite-telemetry-protocol.js';
import { openSqliteConnection } from './sqlite-connection.js';
import { createSqliteRowInserter } from './sqlite-trace-row-writer.js';
import { eventsToRows, type TraceRows } from './trace-rows.js';

interface PendingBatch {
  rows: TraceRows;
  /** Why a part could not be converted; the batch then fails as a whole when its last part arrives. */
  failure: string | null;
}

if (parentPort === null) throw new Error('sqlite-telemetry-worker runs only as a worker thread');
const port = parentPort;
const { path } = workerData as TelemetryWorkerData;
// Opening or preparing failing here ends the thread with an error: the main thread rejects the batches
// it sent and starts a new thread with the next one.
const connection = openSqliteConnection(path);
const insertRows = createSqliteRowInserter(connection);
// Parts received of batches whose last part has not arrived, by batch id.
const pending = new Map<number, PendingBatch>();

port.on('message', (request: TelemetryRequest) => {
  switch (request.type) {
    case 'events':
    case 'rows':
      receivePart(request);
      return;
    case 'discard':
      pending.delete(request.id);
      return;
    case 'close':
      connection.close();
      // With the port closed nothing is left to run, and the thread ends.
      port.close();
      return;
  }
});

function receivePart(request: Extract<TelemetryRequest, { type: 'events' | 'rows' }>): void {
  let batch = pending.get(request.id);
  if (batch === undefined) {
    batch = { rows: { traces: [], observations: [] }, failure: null };
    pending.set(request.id, batch);
  }
  if (batch.failure === null) {
    try {
      // Converted as the parts arrive, while the main thread is still sending the rest.
      const rows = request.type === 'events' ? eventsToRows(request.events) : request.rows;
      for (const row of rows.traces) batch.rows.traces.push(row);
      for (const row of rows.observations) batch.rows.observations.push(row);
    } catch (error) {
      batch.failure = messageOf(error);
    }
  }
  if (!request.last) return;
  pending.delete(request.id);
  port.postMessage(store(request.id, batch));
}

function store(id: number, batch: PendingBatch): TelemetryReply {
  if (batch.failure !== null) return { id, ok: false, message: batch.failure };
  try {
    insertRows(batch.rows);
    return { id, ok: true };
  } catch (error) {
    return { id, ok: false, message: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
