/**
 * W3C trace-context ids. `randomUUID` draws from a pre-filled entropy pool, which makes it the
 * cheapest secure random source per request in Node.
 */
import { randomUUID } from 'node:crypto';

/** 32 lowercase hex characters. */
export function newTraceId(): string {
  return randomUUID().replaceAll('-', '');
}

/** 16 lowercase hex characters. */
export function newSpanId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 16);
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
