/**
 * The semantic cache's vector index, in process: one HNSW graph (hnswlib-node, inner product on unit
 * vectors = cosine) per partition — tenant, project, route, prompt and the hash of everything in the
 * request but the user turns — so a search never crosses tenants and never matches a request with
 * another system prompt, other tools or other parameters. Each vector points at the answer-store key
 * of the request it came from; the answer itself lives once, in the answer store.
 *
 * Bounded: a partition holds at most `maxEntriesPerPartition` vectors (the oldest go first) and grows
 * its graph by doubling, so an idle partition costs little. Expired vectors are dropped when a search
 * meets them, and a partition left empty is dropped whole.
 */
import hnswlib from 'hnswlib-node';
import type { PurgeFilter } from './answer-store.js';
import { keyMatches } from './answer-store.js';

export interface SemanticMatch {
  /** Answer-store key of the matched request. */
  key: string;
  /** Cosine similarity of the user turns, in [-1, 1]. */
  similarity: number;
}

export interface SemanticIndex {
  /**
   * Up to `limit` stored requests of the partition at or above `threshold`, most similar first.
   * @param partition `scopePrefix(scope) + ':' + fingerprint.context`
   */
  search(partition: string, vector: Float32Array, threshold: number, limit?: number): SemanticMatch[];
  add(partition: string, vector: Float32Array, key: string, expiresAt: number): void;
  /** Forgets one key (its answer is gone from the store). */
  remove(partition: string, key: string): void;
  /** Drops the partitions under a purge filter; resolves to how many vectors went. */
  purge(filter: PurgeFilter): number;
  usage(): { partitions: number; vectors: number };
}

interface Partition {
  graph: hnswlib.HierarchicalNSW;
  /** Label → entry, in insertion order (oldest first). */
  entries: Map<number, { key: string; expiresAt: number }>;
  labels: Map<string, number>;
  /** Slots of deleted vectors, reused before the graph grows. */
  deleted: number;
  nextLabel: number;
}

const initialCapacity = 64;
// HNSW parameters: M 16 and efConstruction 100 keep inserts cheap; ef 64 at search gives recall
// above 0.99 at the partition sizes a cache holds.
const connections = 16;
const efConstruction = 100;
const efSearch = 64;

export function createSemanticIndex(options: {
  maxEntriesPerPartition: number;
  now?: () => number;
}): SemanticIndex {
  const now = options.now ?? Date.now;
  const partitions = new Map<string, Partition>();

  function removeLabel(partition: Partition, label: number): void {
    const entry = partition.entries.get(label);
    if (entry === undefined) return;
    partition.graph.markDelete(label);
    partition.entries.delete(label);
    partition.labels.delete(entry.key);
    partition.deleted++;
  }

  function dropIfEmpty(name: string, partition: Partition): void {
    if (partition.entries.size === 0) partitions.delete(name);
  }

  function create(dimensions: number): Partition {
    const graph = new hnswlib.HierarchicalNSW('ip', dimensions);
    graph.initIndex(
      Math.min(initialCapacity, options.maxEntriesPerPartition),
      connections,
      efConstruction,
      100,
      true,
    );
    graph.setEf(efSearch);
    return { graph, entries: new Map(), labels: new Map(), deleted: 0, nextLabel: 0 };
  }

  return {
    search(name, vector, threshold, limit = 4) {
      const partition = partitions.get(name);
      if (partition === undefined || partition.entries.size === 0) return [];
      const found = partition.graph.searchKnn(Array.from(vector), Math.min(limit, partition.entries.size));
      const time = now();
      const matches: SemanticMatch[] = [];
      found.neighbors.forEach((label, index) => {
        const entry = partition.entries.get(label);
        if (entry === undefined) return;
        if (entry.expiresAt <= time) {
          removeLabel(partition, label);
          return;
        }
        const similarity = 1 - found.distances[index]!;
        if (similarity >= threshold) matches.push({ key: entry.key, similarity });
      });
      dropIfEmpty(name, partition);
      return matches;
    },

    add(name, vector, key, expiresAt) {
      let partition = partitions.get(name);
      if (partition === undefined) {
        partition = create(vector.length);
        partitions.set(name, partition);
      }
      const existing = partition.labels.get(key);
      if (existing !== undefined) removeLabel(partition, existing);
      if (partition.entries.size >= options.maxEntriesPerPartition) {
        const oldest = partition.entries.keys().next().value;
        if (oldest !== undefined) removeLabel(partition, oldest);
      }
      const { graph } = partition;
      if (partition.deleted === 0 && graph.getCurrentCount() >= graph.getMaxElements()) {
        graph.resizeIndex(Math.min(graph.getMaxElements() * 2, options.maxEntriesPerPartition));
      }
      const label = partition.nextLabel++;
      const reuseSlot = partition.deleted > 0;
      graph.addPoint(Array.from(vector), label, reuseSlot);
      if (reuseSlot) partition.deleted--;
      partition.entries.set(label, { key, expiresAt });
      partition.labels.set(key, label);
    },

    remove(name, key) {
      const partition = partitions.get(name);
      const label = partition?.labels.get(key);
      if (partition === undefined || label === undefined) return;
      removeLabel(partition, label);
      dropIfEmpty(name, partition);
    },

    purge(filter) {
      let removed = 0;
      for (const [name, partition] of partitions) {
        if (!keyMatches(name, filter)) continue;
        removed += partition.entries.size;
        partitions.delete(name);
      }
      return removed;
    },

    usage() {
      let vectors = 0;
      for (const partition of partitions.values()) vectors += partition.entries.size;
      return { partitions: partitions.size, vectors };
    },
  };
}
