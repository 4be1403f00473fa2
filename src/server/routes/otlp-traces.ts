/**
 * Ingestion routes: `POST /v1/traces` (OTLP/HTTP, protobuf or JSON, optionally gzip) and
 * `POST /api/ingest` (a JSON batch of spans with per-item results). Both answer partial success:
 * valid spans are stored even when others in the same request are refused.
 */
import { createGunzip, createInflate } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Readable, Transform } from 'node:stream';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type { Ingestion } from '../../telemetry/otlp-ingest/ingest.js';
import type { TraceOwner } from '../../telemetry/otlp-ingest/spans-to-events.js';
import { defaultProjectId, defaultTenantId, type Principal } from '../../tenancy/model.js';
import { principalOf } from '../auth.js';
import { decodeOtlpProtobuf } from '../../telemetry/otlp-ingest/read-otlp-request.js';
import { exportTraceServiceResponse } from '../../telemetry/otlp-ingest/otlp-protobuf-schema.js';
import { parseBody } from '../request-schemas.js';

const protobufType = 'application/x-protobuf';
const batchBody = z.strictObject({ batch: z.array(z.unknown()).min(1).max(10_000) });

export function registerIngestionRoutes(app: FastifyInstance, ingestion: Ingestion): void {
  // Kept raw: only this route decodes protobuf, so no other route ever sees a half-parsed body.
  app.addContentTypeParser(protobufType, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/v1/traces', { preParsing: decompress }, async (request, reply) => {
    const isProtobuf = request.headers['content-type']?.startsWith(protobufType) === true;
    const body = isProtobuf ? decodeOtlpProtobuf(request.body as Buffer) : request.body;
    const result = ingestion.ingestOtlp(body, ownerOf(principalOf(request)));
    const partialSuccess =
      result.rejectedSpans === 0
        ? undefined
        : { rejectedSpans: result.rejectedSpans, errorMessage: result.errorMessage ?? '' };
    if (isProtobuf) {
      const message = exportTraceServiceResponse.fromObject(
        partialSuccess === undefined ? {} : { partialSuccess },
      );
      return reply.type(protobufType).send(Buffer.from(exportTraceServiceResponse.encode(message).finish()));
    }
    // OTLP/JSON renders int64 as a string.
    return partialSuccess === undefined
      ? {}
      : { partialSuccess: { ...partialSuccess, rejectedSpans: String(partialSuccess.rejectedSpans) } };
  });

  app.post('/api/ingest', { preParsing: decompress }, async (request, reply) => {
    const { batch } = parseBody<z.infer<typeof batchBody>>(batchBody, request.body);
    const results = ingestion.ingestBatch(batch, ownerOf(principalOf(request)));
    const rejected = results.filter((result) => result.status === 'rejected').length;
    // 207 Multi-Status when some items were refused, as Langfuse's ingestion API answers.
    return reply
      .code(rejected === 0 ? 200 : 207)
      .send({ results, accepted: results.length - rejected, rejected });
  });
}

/**
 * `content-encoding: gzip` or `deflate` bodies are inflated before parsing; the body size limit then
 * applies to the inflated bytes, which is what stops a decompression bomb.
 */
function decompress(request: FastifyRequest, _reply: unknown, payload: Readable): Promise<Readable> {
  const encoding = request.headers['content-encoding']?.toLowerCase().trim();
  if (encoding === undefined || encoding === 'identity') return Promise.resolve(payload);
  if (encoding !== 'gzip' && encoding !== 'deflate') {
    return Promise.reject(
      new GatewayError(
        'unsupported_media_type',
        `Unsupported content-encoding "${encoding}": use gzip, deflate or none.`,
      ),
    );
  }
  const inflated: Transform & { receivedEncodedLength?: number } =
    encoding === 'gzip' ? createGunzip() : createInflate();
  // Fastify checks Content-Length against the bytes received on the wire, which it reads from here.
  inflated.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    inflated.receivedEncodedLength = (inflated.receivedEncodedLength ?? 0) + chunk.length;
  });
  payload.pipe(inflated);
  return Promise.resolve(inflated);
}

/**
 * Ingested traces belong to the caller: a virtual key's project, an admin key's tenant (default
 * project), the default tenant for the master key — so every scoped query finds them where the
 * caller's own gateway traces are.
 */
function ownerOf(principal: Principal): TraceOwner {
  if (principal.kind === 'master')
    return { tenantId: defaultTenantId, projectId: defaultProjectId, keyId: null };
  const { active } = principal;
  return {
    tenantId: active.tenant.id,
    projectId: active.project?.id ?? defaultProjectId,
    keyId: principal.kind === 'virtual' ? active.key.id : null,
  };
}
