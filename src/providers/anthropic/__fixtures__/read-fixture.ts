/**
 * Test helpers: load a recorded fixture, and replay a recorded SSE body through the shared SSE parser
 * in small byte slices, as a network delivers it (events split across reads).
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { readServerSentEvents } from '../../shared/sse.js';
import type { EventSourceMessage } from '../../shared/sse.js';

export function readFixture(name: string): string {
  return readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
}

export function readJsonFixture(name: string): unknown {
  return JSON.parse(readFixture(name));
}

/** The fixture's events as `UpstreamHttp.postEventStream` yields them, from `sliceBytes`-sized reads. */
export function replaySse(text: string, sliceBytes = 37): AsyncIterable<EventSourceMessage> {
  const bytes = Buffer.from(text, 'utf8');
  const slices: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += sliceBytes)
    slices.push(bytes.subarray(offset, offset + sliceBytes));
  return readServerSentEvents(Readable.from(slices), (error) => error);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
