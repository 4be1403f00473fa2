/** `POST /v1/embeddings`: the OpenAI Embeddings API. */
import type { FastifyInstance } from 'fastify';
import { createEmbeddingsContext } from '../../gateway/create-context.js';
import type { Pipeline } from '../../gateway/pipeline.js';
import { parseEmbeddingsRequest } from '../request-schemas.js';
import { edgeRequest, gatewayHeaders } from '../data-plane.js';

export function registerEmbeddingsRoute(app: FastifyInstance, pipeline: Pipeline): void {
  app.post('/v1/embeddings', async (request, reply) => {
    const context = createEmbeddingsContext(
      edgeRequest(request, reply, 'embeddings'),
      parseEmbeddingsRequest(request.body),
    );
    await pipeline(context);
    if (context.result === null) throw new Error('pipeline finished without a result');
    return reply.headers(gatewayHeaders(context)).send(context.result.response);
  });
}
