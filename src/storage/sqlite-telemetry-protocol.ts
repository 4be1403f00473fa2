/**
 * The messages between the main thread (sqlite-telemetry-thread.ts) and the SQLite telemetry worker
 * (sqlite-telemetry-worker.ts). Types only.
 *
 * A batch may arrive in several messages sharing its id, the last one flagged: cloning a large batch
 * into a single message would block the main thread for as long as the worker spares it.
 */
import type { TelemetryEvent } from '../telemetry/model.js';
import type { TraceRows } from './trace-rows.js';

/** What the worker starts with (`workerData`). */
export interface TelemetryWorkerData {
  /** Absolute path of the database file the main connection has open. */
  path: string;
}

export type TelemetryRequest =
  /** Part of a batch; the worker converts it to rows (trace-rows.ts). */
  | { type: 'events'; id: number; events: TelemetryEvent[]; last: boolean }
  /** Part of a batch already converted, for events holding a value structured clone refuses. */
  | { type: 'rows'; id: number; rows: TraceRows; last: boolean }
  /** Forget the parts received of a batch the main thread gave up sending. */
  | { type: 'discard'; id: number }
  /** Close the connection and end the thread; sent once every batch is answered. */
  | { type: 'close' };

/** The answer to a batch, once its last part has been stored in one transaction or has failed. */
export type TelemetryReply = { id: number; ok: true } | { id: number; ok: false; message: string };
