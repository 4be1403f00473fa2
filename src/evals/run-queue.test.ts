/**
 * The API's run queue on a real (in-memory SQLite) store: one run at a time in order, cancelling a
 * waiting run, and shutdown interrupting the running one (finished items kept) and the waiting ones,
 * all of which resume to completion without redoing finished items.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../storage/database.js';
import { createDatasetRepository } from '../storage/dataset-repository.js';
import { createEvalRunRepository, type EvalRunRepository } from '../storage/eval-run-repository.js';
import { migrateToLatest } from '../storage/migrate.js';
import type { ChatCallRequest, ChatCallResult } from './model-client.js';
import { createEvalRunQueue, type RunClient } from './run-queue.js';
import { prepareRun } from './run-suite.js';
import { parseSuiteObject } from './suite/load-suite.js';

const suite = parseSuiteObject(
  {
    name: 'queue',
    prompts: ['Say {{n}}'],
    targets: ['mock'],
    tests: [1, 2, 3, 4].map((n) => ({
      id: `t${n}`,
      vars: { n },
      assert: [{ type: 'contains', value: String(n) }],
    })),
  },
  'queue',
);

/** Answers the first `answered` calls at once; later calls hang until their run is stopped. */
function fakeClient(answered: number, calls: string[]): RunClient {
  return {
    async chat(request: ChatCallRequest, signal: AbortSignal): Promise<ChatCallResult> {
      calls.push(request.messages[0]?.content ?? '');
      if (calls.length > answered) {
        await new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      }
      return {
        text: request.messages[0]?.content ?? '',
        inputTokens: 1,
        outputTokens: 1,
        cost: 0,
        latencyMs: 1,
        cached: false,
      };
    },
    embed: () => Promise.resolve([]),
    close: () => Promise.resolve(),
  };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('eval run queue', () => {
  let database: Database;
  let runs: EvalRunRepository;

  beforeEach(async () => {
    database = await openDatabase(':memory:');
    await migrateToLatest(database);
    runs = createEvalRunRepository(database);
  });
  afterEach(() => database.close());

  const prepare = (resumeRunId?: string) =>
    prepareRun({
      suite,
      runs,
      datasets: createDatasetRepository(database),
      initialStatus: 'queued',
      ...(resumeRunId === undefined ? {} : { resumeRunId }),
    });
  const options = () => ({ runs, datasets: createDatasetRepository(database), cache: false, concurrency: 1 });

  it('stops on shutdown keeping finished items; every run resumes to completion', async () => {
    const queue = createEvalRunQueue({ concurrency: 1, logger: pino({ level: 'silent' }) });
    const calls: string[] = [];
    const first = await prepare();
    const second = await prepare();
    queue.submit({ prepared: first, options: options(), openClient: () => fakeClient(2, calls) });
    queue.submit({ prepared: second, options: options(), openClient: () => fakeClient(2, calls) });
    await until(async () => (await runs.progress(first.runId)).done === 2);
    // One run at a time: the second still waits.
    expect((await runs.getRun(second.runId))?.status).toBe('queued');

    await queue.stop();
    expect((await runs.getRun(first.runId))?.status).toBe('interrupted');
    expect(await runs.progress(first.runId)).toMatchObject({ done: 2, passed: 2 });
    expect((await runs.getRun(second.runId))?.status).toBe('interrupted');
    expect(() =>
      queue.submit({ prepared: second, options: options(), openClient: () => fakeClient(9, []) }),
    ).toThrow(/stopped/);

    const restarted = createEvalRunQueue({ concurrency: 2, logger: pino({ level: 'silent' }) });
    const resumedCalls: string[] = [];
    for (const id of [first.runId, second.runId]) {
      restarted.submit({
        prepared: await prepare(id),
        options: options(),
        openClient: () => fakeClient(99, resumedCalls),
      });
    }
    await until(async () =>
      (await Promise.all([first.runId, second.runId].map((id) => runs.getRun(id)))).every(
        (run) => run?.status === 'completed',
      ),
    );
    // The first run redid none of its two finished items: 2 + 4 calls.
    expect(resumedCalls).toHaveLength(6);
    expect((await runs.getRun(first.runId))?.summary).toMatchObject({ items: 4, passed: 4 });
    await restarted.stop();
  });

  it('cancels a waiting run and a running one', async () => {
    const queue = createEvalRunQueue({ concurrency: 1, logger: pino({ level: 'silent' }) });
    const running = await prepare();
    const waiting = await prepare();
    queue.submit({ prepared: running, options: options(), openClient: () => fakeClient(1, []) });
    queue.submit({ prepared: waiting, options: options(), openClient: () => fakeClient(1, []) });
    expect(await queue.cancel(waiting.runId)).toBe(true);
    expect((await runs.getRun(waiting.runId))?.status).toBe('cancelled');
    await until(async () => (await runs.progress(running.runId)).done === 1);
    expect(await queue.cancel(running.runId)).toBe(true);
    expect((await runs.getRun(running.runId))?.status).toBe('cancelled');
    expect(await runs.progress(running.runId)).toMatchObject({ done: 1 });
    expect(await queue.cancel(running.runId)).toBe(false);
    await queue.stop();
  });
});
