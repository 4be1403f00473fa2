/**
 * Runs planned items with a concurrency limit and a per-item deadline. Each finished item is handed to
 * `onResult` at once (the CLI stores it), so an interrupted run keeps everything that finished. Aborting
 * `signal` stops scheduling and abandons the items in flight; the promise then resolves with what
 * finished and `interrupted: true`.
 */
import type { ItemResult } from '../records.js';
import { failedResult, runItem, type ItemServices } from './run-item.js';
import type { PlannedItem } from './run-plan.js';

export interface RunItemsOptions {
  concurrency: number;
  timeoutMs: number;
  signal: AbortSignal;
  onResult: (result: ItemResult) => Promise<void> | void;
}

export interface RunItemsOutcome {
  results: ItemResult[];
  interrupted: boolean;
}

export async function runItems(
  items: readonly PlannedItem[],
  services: ItemServices,
  options: RunItemsOptions,
): Promise<RunItemsOutcome> {
  const results: ItemResult[] = [];
  let next = 0;

  async function worker(): Promise<void> {
    while (!options.signal.aborted) {
      const item = items[next];
      next += 1;
      if (item === undefined) return;
      const deadline = AbortSignal.timeout(options.timeoutMs);
      const signal = AbortSignal.any([options.signal, deadline]);
      let result: ItemResult;
      try {
        result = await runItem(item, services, signal);
      } catch (error) {
        if (options.signal.aborted) return;
        result = failedResult(
          item,
          deadline.aborted ? `timed out after ${options.timeoutMs} ms` : (error as Error).message,
        );
      }
      results.push(result);
      await options.onResult(result);
    }
  }

  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, () =>
    worker(),
  );
  await Promise.all(workers);
  results.sort((a, b) => a.position - b.position);
  return { results, interrupted: options.signal.aborted };
}
