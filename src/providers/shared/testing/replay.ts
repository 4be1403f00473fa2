/**
 * Test helpers for adapters: load a recorded fixture beside a test, and replay a recorded SSE body
 * through the shared SSE parser in small byte slices, as a network delivers it (events split across
 * reads).
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { readServerSentEvents } from '../sse.js';
import type { EventSourceMessage } from '../sse.js';

/** A reader of the fixtures in the folder of `moduleUrl` (pass `import.meta.url`). */
export function fixtureReader(moduleUrl: string): {
  readFixture: (name: string) => string;
  readJsonFixture: (name: string) => unknown;
} {
  const readFixture = (name: string): string => readFileSync(new URL(`./${name}`, moduleUrl), 'utf8');
  return { readFixture, readJsonFixture: (name) => JSON.parse(readFixture(name)) as unknown };
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
