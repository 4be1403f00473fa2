/**
 * Timing for the mock model: abortable sleeps and token-paced chunk streams, shared by the
 * in-process mock adapter and the mock upstream server so both imitate a real model's
 * time-to-first-token and tokens-per-second (they are fakes for demos, tests and load tests).
 */
import type { ChatCompletionChunk } from '../canonical.js';
import { countChunkTokens } from './mock-chunks.js';

/**
 * Resolves after `ms`, or rejects with `signal.reason` as soon as the signal aborts.
 *
 * @example await sleep(250, request.signal)
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (ms <= 0) return;
  // The timer promise resolves on abort too; throwIfAborted then rethrows the signal's own reason.
  await new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    signal?.addEventListener('abort', finish, { once: true });
  });
  signal?.throwIfAborted();
}

export interface PaceOptions {
  /** Output tokens per second; undefined sends chunks as fast as they are read. */
  tokensPerSecond?: number;
  signal?: AbortSignal;
}

/**
 * Yields `chunks` so that chunk k arrives when the tokens of chunks 0..k would have been generated
 * at `tokensPerSecond`. Deadlines are computed from the start, so timer jitter does not accumulate.
 * Throws `signal.reason` when the signal aborts, between chunks or while waiting.
 */
export async function* paceChunks(
  chunks: Iterable<ChatCompletionChunk>,
  options: PaceOptions = {},
): AsyncGenerator<ChatCompletionChunk> {
  const { tokensPerSecond, signal } = options;
  const start = performance.now();
  let tokens = 0;
  for (const chunk of chunks) {
    signal?.throwIfAborted();
    if (tokensPerSecond !== undefined && tokensPerSecond > 0) {
      tokens += countChunkTokens(chunk);
      const wait = start + (tokens / tokensPerSecond) * 1000 - performance.now();
      // Sub-millisecond waits are not worth a timer; the deadline catches up on the next chunk.
      if (wait >= 1) await sleep(wait, signal);
    }
    yield chunk;
  }
}
