/**
 * W3C trace-context ids, drawn from a pool of random bytes refilled 4 KB at a time (one
 * `randomFillSync` call serves ~400 ids).
 *
 * Trace ids are time-ordered: 6 bytes of milliseconds since the epoch, then 10 random bytes (more than
 * the 7 random right-most bytes W3C trace-context level 2 asks of a random trace id). New traces then
 * land at the end of every index keyed by trace id instead of at random pages: SQLite stores ~45%
 * more traces per second than with fully random ids (bench:telemetry), and PostgreSQL's B-trees stay
 * compact. Span ids are fully random.
 */
import { randomFillSync } from 'node:crypto';

const pool = Buffer.allocUnsafe(4096);
let offset = pool.length;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/** 32 lowercase hex characters: 12 of milliseconds since the epoch, then 20 random. */
export function newTraceId(now = Date.now()): string {
  return now.toString(16).padStart(12, '0').slice(-12) + randomHex(10);
}

/** 16 lowercase hex characters, random. */
export function newSpanId(): string {
  return randomHex(8);
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Reads a `traceparent` header; invalid or all-zero ids are ignored, as the spec requires. */
export function parseTraceparent(
  header: string | undefined,
): { traceId: string; parentSpanId: string } | null {
  if (header === undefined) return null;
  const match = traceparentPattern.exec(header.trim());
  if (match === null) return null;
  const [, traceId, parentSpanId] = match as unknown as [string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(parentSpanId)) return null;
  return { traceId, parentSpanId };
}
