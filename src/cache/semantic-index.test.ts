import { describe, expect, it } from 'vitest';
import { toUnitVector } from '../embeddings/unit-vector.js';
import { createSemanticIndex } from './semantic-index.js';

const vector = (...values: number[]) => toUnitVector(values);
const far = Date.now() + 60_000;

describe('semantic index', () => {
  it('finds the nearest stored request above the threshold, within its partition only', () => {
    const index = createSemanticIndex({ maxEntriesPerPartition: 100 });
    index.add('acme:p', vector(1, 0, 0), 'weather', far);
    index.add('acme:p', vector(0, 1, 0), 'bread', far);
    index.add('globex:p', vector(1, 0.05, 0), 'their-weather', far);
    const [best] = index.search('acme:p', vector(1, 0.1, 0), 0.9);
    expect(best?.key).toBe('weather');
    expect(best?.similarity).toBeCloseTo(0.995, 3);
    expect(index.search('acme:p', vector(1, 1, 0), 0.9)).toEqual([]);
    expect(index.search('initech:p', vector(1, 0, 0), 0)).toEqual([]);
  });

  it('keeps at most the configured vectors per partition, dropping the oldest', () => {
    const index = createSemanticIndex({ maxEntriesPerPartition: 70 });
    for (let i = 0; i < 200; i++) index.add('p', vector(Math.cos(i), Math.sin(i), i / 200), `k${i}`, far);
    expect(index.usage()).toEqual({ partitions: 1, vectors: 70 });
    expect(index.search('p', vector(Math.cos(0), Math.sin(0), 0), 0.999)).toEqual([]);
    expect(index.search('p', vector(Math.cos(199), Math.sin(199), 199 / 200), 0.999)[0]?.key).toBe('k199');
  });

  it('drops expired vectors and purged partitions', () => {
    let now = 0;
    const index = createSemanticIndex({ maxEntriesPerPartition: 10, now: () => now });
    index.add('acme:default:fast::ctx', vector(1, 0), 'a', 1_000);
    index.add('globex:default:fast::ctx', vector(1, 0), 'b', 1_000_000);
    now = 1_000;
    expect(index.search('acme:default:fast::ctx', vector(1, 0), 0.5)).toEqual([]);
    expect(index.usage()).toEqual({ partitions: 1, vectors: 1 });
    expect(index.purge({ tenant: 'globex' })).toBe(1);
    expect(index.usage()).toEqual({ partitions: 0, vectors: 0 });
  });
});
