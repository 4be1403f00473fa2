/**
 * `npm run eval:cache`: how well the semantic cache tells a paraphrase from a different question, on
 * the GPTCache paraphrase pairs (`../shared/datasets/gptcache_pairs.json`, or the path given as the
 * first argument), with the gateway's own embedder and vector index.
 *
 * - Pairs: each `origin` against its `similar` (positives) and against 4 other items' `similar`
 *   (negatives, fixed offsets so every run is the same). A pair "hits" at threshold t when cosine ≥ t.
 * - Lookups, as the cache runs: every `origin` stored in one partition, every `similar` looked up;
 *   a hit is the right origin found at ≥ t, a false hit a wrong origin at ≥ t.
 *
 * Prints both curves and the lowest threshold meeting the targets (≥ 80% positives hit, ≤ 2% false
 * hits on the negative pairs) — the default `similarity_threshold`, documented in docs/cache.md.
 * Options (env): EVAL_LIMIT=N uses the first N pairs.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSemanticIndex } from '../src/cache/semantic-index.js';
import { createLocalEmbedder } from '../src/embeddings/local-embedder.js';
import { dot } from '../src/embeddings/unit-vector.js';

interface Pair {
  origin: string;
  similar: string;
}

const datasetPath = resolve(process.argv[2] ?? '../shared/datasets/gptcache_pairs.json');
const limit = Number(process.env.EVAL_LIMIT ?? Infinity);
const negativeOffsets = [1, 7, 101, 333];
const targets = { positiveHitRate: 0.8, falseHitRate: 0.02 };

async function main(): Promise<void> {
  const pairs = (JSON.parse(readFileSync(datasetPath, 'utf8')) as Pair[]).slice(0, limit);
  const embedder = createLocalEmbedder();
  const started = performance.now();
  const [origins, similars] = await Promise.all([
    embedder.embed(pairs.map((pair) => pair.origin)),
    embedder.embed(pairs.map((pair) => pair.similar)),
  ]);
  const embedSeconds = (performance.now() - started) / 1000;
  await embedder.close();

  const positives = pairs.map((_, index) => dot(origins[index]!, similars[index]!));
  const negatives: number[] = [];
  pairs.forEach((_, index) => {
    for (const offset of negativeOffsets) {
      const other = (index + offset) % pairs.length;
      if (other !== index) negatives.push(dot(origins[index]!, similars[other]!));
    }
  });

  const index = createSemanticIndex({ maxEntriesPerPartition: pairs.length });
  origins.forEach((vector, position) => index.add('eval', vector, String(position), Number.MAX_SAFE_INTEGER));
  const nearest = similars.map((vector, position) => {
    const [best] = index.search('eval', vector, -1, 1);
    return { similarity: best?.similarity ?? -1, correct: best?.key === String(position) };
  });

  // The dataset repeats some sentences across pairs: a "wrong" nearest origin is then the same question.
  const duplicated = origins.filter((vector) => (index.search('eval', vector, 0.95, 2)[1] ?? null) !== null);
  console.log(
    `semantic cache eval: ${pairs.length} paraphrase pairs, ${negatives.length} negative pairs, ` +
      `${((embedSeconds * 1000) / (pairs.length * 2)).toFixed(1)} ms/sentence embedding (local USE lite); ` +
      `${duplicated.length} origins have another origin at cosine ≥ 0.95\n`,
  );
  const rows: string[][] = [];
  let chosen: number | null = null;
  for (let step = 60; step <= 96; step++) {
    const threshold = step / 100;
    const positiveRate = share(positives, (value) => value >= threshold);
    const falseRate = share(negatives, (value) => value >= threshold);
    const lookupHits = share(nearest, (found) => found.correct && found.similarity >= threshold);
    const lookupFalse = share(nearest, (found) => !found.correct && found.similarity >= threshold);
    const meets = positiveRate >= targets.positiveHitRate && falseRate <= targets.falseHitRate;
    if (meets && chosen === null) chosen = threshold;
    rows.push([
      threshold.toFixed(2),
      percent(positiveRate),
      percent(falseRate),
      percent(lookupHits),
      percent(lookupFalse),
      meets ? 'yes' : '',
    ]);
  }
  printTable(
    [
      'threshold',
      'paraphrases hit',
      'negatives hit',
      'lookup: right hit',
      'lookup: wrong hit',
      'meets targets',
    ],
    rows,
  );
  console.log(
    chosen === null
      ? '\nno threshold meets ≥ 80% paraphrase hits with ≤ 2% false hits'
      : `\nlowest threshold meeting the targets (≥ 80% paraphrases, ≤ 2% false hits): ${chosen.toFixed(2)}`,
  );
}

function share<T>(values: readonly T[], test: (value: T) => boolean): number {
  return values.filter(test).length / values.length;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

await main();
