/**
 * Eval runs started through the API, executed in the server process: one queue, at most
 * `concurrency` runs at once, the rest waiting in order (`queued`). A run is prepared (and stored)
 * before it is queued, so its id, item count and progress are readable at once. Cancelling a queued
 * run drops it; cancelling a running one stops it like Ctrl-C: finished items stay and the run can
 * resume. `stop()` (graceful shutdown) interrupts what runs and marks what waits `interrupted`, so
 * both resume later with `POST /api/eval-runs/:id/resume`.
 */
import type { Logger } from 'pino';
import type { EvalRunRepository } from '../storage/eval-run-repository.js';
import type { ModelClient } from './model-client.js';
import type { ExecuteRunOptions, PreparedRun } from './run-suite.js';

/** A model client for one run, closed when the run ends. */
export interface RunClient extends ModelClient {
  close(): Promise<void>;
}

export interface QueuedRun {
  prepared: PreparedRun;
  options: Omit<ExecuteRunOptions, 'client' | 'signal'>;
  /** Opens the client the run calls models with (the caller's key decides which). */
  openClient: () => RunClient;
}

export interface EvalRunQueueOptions {
  /** Runs executing at once. */
  concurrency: number;
  logger: Logger;
}

export interface EvalRunQueue {
  submit(run: QueuedRun): void;
  /** Cancels a run of this process's queue; false when the queue does not hold it. */
  cancel(runId: string): Promise<boolean>;
  /** Why a run of this process failed (kept in memory for the last 1,000 failures). */
  failure(runId: string): string | undefined;
  /** Interrupts running runs (they keep what finished) and marks waiting ones interrupted. */
  stop(): Promise<void>;
}

interface Active {
  run: QueuedRun;
  abort: AbortController;
  cancelled: boolean;
  done: Promise<void>;
}

// Failures kept for the status endpoint; the oldest go first.
const maxFailures = 1000;

export function createEvalRunQueue(options: EvalRunQueueOptions): EvalRunQueue {
  const waiting: QueuedRun[] = [];
  const active = new Map<string, Active>();
  const failures = new Map<string, string>();
  let stopped = false;

  function pump(): void {
    while (!stopped && active.size < options.concurrency) {
      const next = waiting.shift();
      if (next === undefined) return;
      start(next);
    }
  }

  function start(run: QueuedRun): void {
    const abort = new AbortController();
    const entry: Active = { run, abort, cancelled: false, done: Promise.resolve() };
    const { runId } = run.prepared;
    entry.done = execute(entry).finally(() => {
      active.delete(runId);
      pump();
    });
    active.set(runId, entry);
  }

  async function execute(entry: Active): Promise<void> {
    const { prepared, options: runOptions } = entry.run;
    let client: RunClient | undefined;
    try {
      client = entry.run.openClient();
      // The graders, judges and ajv load with the first run, not at server start-up.
      const { executeRun } = await import('./run-suite.js');
      const outcome = await executeRun(prepared, { ...runOptions, client, signal: entry.abort.signal });
      if (entry.cancelled) await runOptions.runs.finishRun(prepared.runId, 'cancelled', outcome.summary);
    } catch (error) {
      const message = (error as Error).message;
      options.logger.error({ err: error, run: prepared.runId }, 'eval run failed');
      remember(prepared.runId, message);
      await settle(runOptions.runs, prepared.runId, entry.cancelled ? 'cancelled' : 'failed');
    } finally {
      await client?.close().catch(() => undefined);
    }
  }

  function remember(runId: string, message: string): void {
    if (failures.size >= maxFailures) {
      const oldest = failures.keys().next().value;
      if (oldest !== undefined) failures.delete(oldest);
    }
    failures.set(runId, message);
  }

  async function settle(
    runs: EvalRunRepository,
    runId: string,
    status: 'failed' | 'cancelled' | 'interrupted',
  ) {
    try {
      await runs.setStatus(runId, status);
    } catch (error) {
      options.logger.error({ err: error, run: runId }, 'could not record an eval run’s status');
    }
  }

  return {
    submit(run) {
      if (stopped) throw new Error('the eval run queue is stopped');
      waiting.push(run);
      pump();
    },

    async cancel(runId) {
      const index = waiting.findIndex((run) => run.prepared.runId === runId);
      if (index !== -1) {
        const [run] = waiting.splice(index, 1);
        if (run !== undefined) await settle(run.options.runs, runId, 'cancelled');
        return true;
      }
      const entry = active.get(runId);
      if (entry === undefined) return false;
      entry.cancelled = true;
      entry.abort.abort(new Error('cancelled'));
      await entry.done;
      return true;
    },

    failure: (runId) => failures.get(runId),

    async stop() {
      stopped = true;
      const pending = waiting.splice(0);
      for (const entry of active.values()) entry.abort.abort(new Error('server shutting down'));
      await Promise.all([
        ...[...active.values()].map((entry) => entry.done),
        ...pending.map((run) => settle(run.options.runs, run.prepared.runId, 'interrupted')),
      ]);
    },
  };
}
