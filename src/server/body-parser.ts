/**
 * JSON bodies, strictly: valid UTF-8 (Fastify's default would quietly replace bad bytes), valid JSON
 * (the parser's message says where it broke), within the configured size limit (413 otherwise).
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const buffer = body as Buffer;
    if (buffer.length === 0) {
      done(new GatewayError('invalid_json', 'The request body is empty; expected a JSON object.'), undefined);
      return;
    }
    if (!isUtf8(buffer)) {
      done(new GatewayError('invalid_encoding', 'The request body is not valid UTF-8.'), undefined);
      return;
    }
    try {
      done(null, JSON.parse(buffer.toString('utf8')) as unknown);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      done(new GatewayError('invalid_json', `The request body is not valid JSON: ${detail}`), undefined);
    }
  });
}
