/**
 * The in-process answer store: a least-recently-used map bounded in bytes (each answer counted at its
 * serialized size), with expiry checked on read. The embedded default, and the store of a single
 * replica; with `storage.redis_url` the Redis store shares answers across replicas instead.
 */
import type { AnswerStore, CachedAnswer, PurgeFilter } from './answer-store.js';
import { keyMatches } from './answer-store.js';

interface Entry {
  answer: CachedAnswer;
  expiresAt: number;
  bytes: number;
}

// Map and object overhead per entry, beyond the key and the serialized answer.
const entryOverheadBytes = 200;

/**
 * @example
 * const store = createMemoryAnswerStore({ maxBytes: 64 * 1024 * 1024 });
 */
export function createMemoryAnswerStore(options: { maxBytes: number; now?: () => number }): AnswerStore {
  const now = options.now ?? Date.now;
  // A Map iterates in insertion order: re-inserting on read keeps the least recently used first.
  const entries = new Map<string, Entry>();
  let bytes = 0;

  function remove(key: string, entry: Entry): void {
    entries.delete(key);
    bytes -= entry.bytes;
  }

  return {
    kind: 'memory',
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return Promise.resolve(undefined);
      if (entry.expiresAt <= now()) {
        remove(key, entry);
        return Promise.resolve(undefined);
      }
      entries.delete(key);
      entries.set(key, entry);
      return Promise.resolve(entry.answer);
    },
    set(key, answer, ttlMs) {
      const size = entryOverheadBytes + key.length * 2 + Buffer.byteLength(JSON.stringify(answer));
      const existing = entries.get(key);
      if (existing !== undefined) remove(key, existing);
      // An answer larger than the whole store is not kept (it would evict everything else).
      if (size > options.maxBytes) return Promise.resolve();
      entries.set(key, { answer, expiresAt: now() + ttlMs, bytes: size });
      bytes += size;
      for (const [oldestKey, oldest] of entries) {
        if (bytes <= options.maxBytes) break;
        remove(oldestKey, oldest);
      }
      return Promise.resolve();
    },
    purge(filter: PurgeFilter) {
      let deleted = 0;
      for (const [key, entry] of entries) {
        if (keyMatches(key, filter)) {
          remove(key, entry);
          deleted++;
        }
      }
      return Promise.resolve(deleted);
    },
    usage: () => ({ entries: entries.size, bytes }),
  };
}
