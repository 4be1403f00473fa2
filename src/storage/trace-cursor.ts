/**
 * The opaque cursor of the trace list: base64url of `{"t": startTime, "i": id}`, the (start_time, id)
 * of the last row of the previous page. Clients must treat it as opaque; we may change its contents.
 */
import { GatewayError } from '../errors/gateway-error.js';

export interface TraceCursor {
  startTime: number;
  id: string;
}

// Far beyond any real cursor (ids are 32 hex characters); stops parsing of junk early.
const maxCursorLength = 512;
const base64UrlPattern = /^[A-Za-z0-9_-]+$/;

/**
 * A cursor that was not produced by `listTraces`. A `GatewayError` with code `invalid_request` and
 * param `cursor`, so the server's error handler answers 400 without special handling.
 */
export class InvalidCursorError extends GatewayError {
  constructor(reason: string) {
    super('invalid_request', `invalid cursor: ${reason}`, { param: 'cursor' });
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(cursor: TraceCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.startTime, i: cursor.id }), 'utf8').toString('base64url');
}

/** Throws `InvalidCursorError` for anything `encodeCursor` could not have produced. */
export function decodeCursor(text: string): TraceCursor {
  // Node's base64url decoder skips invalid characters silently, so check the alphabet first.
  if (text.length === 0 || text.length > maxCursorLength || !base64UrlPattern.test(text)) {
    throw new InvalidCursorError('not a cursor returned by this API');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('not a cursor returned by this API');
  }
  if (typeof parsed !== 'object' || parsed === null || !('t' in parsed) || !('i' in parsed)) {
    throw new InvalidCursorError('missing position');
  }
  const { t: startTime, i: id } = parsed;
  if (
    typeof startTime !== 'number' ||
    !Number.isSafeInteger(startTime) ||
    typeof id !== 'string' ||
    id.length === 0
  ) {
    throw new InvalidCursorError('malformed position');
  }
  return { startTime, id };
}
