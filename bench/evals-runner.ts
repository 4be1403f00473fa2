/**
 * `npm run bench:evals`: eval runner throughput. 500 items × 3 metrics (icontains, ROUGE-L, BLEU) at
 * concurrency 16 against the mock model through an in-process gateway on a temporary SQLite file,
 * every result stored as a run. Reported next to the same 500 chat calls made directly through the
 * gateway at the same concurrency (the ceiling: no grading, no storage), and a re-run answered from the
 * response cache.
 *
 * Options (env): BENCH_ITEMS (default 500), BENCH_CONCURRENCY (default 16).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { parseConfig } from '../src/config/load.js';
import { createGatewayClient } from '../src/evals/runner/gateway-client.js';
import { runSuite } from '../src/evals/run-suite.js';
import { parseSuiteText } from '../src/evals/suite/load-suite.js';
import { createGatehouse } from '../src/gatehouse.js';
import { createDatasetRepository } from '../src/storage/dataset-repository.js';
import { createEvalRunRepository } from '../src/storage/eval-run-repository.js';
import { createPriceCatalog } from '../src/usage/price-catalog.js';

const items = Number(process.env.BENCH_ITEMS ?? 500);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 16);

const directory = mkdtempSync(join(tmpdir(), 'gatehouse-bench-evals-'));
const config = parseConfig({
  server: { host: '127.0.0.1', port: 0 },
  storage: { database_url: join(directory, 'gatehouse.db') },
  evals: { online: { enabled: false } },
  providers: [{ id: 'mock', type: 'mock' }],
  models: [{ name: 'mock', targets: [{ provider: 'mock', model: 'mock-1' }] }],
});
const gatehouse = await createGatehouse({ config, logger: pino({ level: 'error' }) });
const url = await gatehouse.listen();
const client = createGatewayClient({
  baseUrl: url,
  prices: createPriceCatalog({ enabled: true, overrides: {} }),
  connections: concurrency,
});

const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
const tests = Array.from({ length: items }, (_, index) => {
  const topic = `${words[index % 10]} ${words[(index * 7) % 10]} ${index}`;
  return `  - { id: t${index}, vars: { topic: "${topic}" }, expected: "[mock] You said: Tell me about ${topic}" }`;
});
const suite = parseSuiteText(
  [
    'name: bench',
    'prompts: ["Tell me about {{topic}}"]',
    'targets: [mock]',
    'defaultTest:',
    '  assert:',
    '    - { type: icontains, value: "{{topic}}" }',
    '    - { type: rouge-l, threshold: 0.5 }',
    '    - { type: bleu, threshold: 0.3 }',
    'tests:',
    ...tests,
  ].join('\n'),
  join(directory, 'bench.yaml'),
);

// Ceiling: the same chat calls straight through the gateway, nothing graded or stored.
const directStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < items) {
      const index = next++;
      await client.chat(
        {
          model: 'mock',
          messages: [{ role: 'user', content: `Tell me about direct ${index}` }],
          purpose: 'target',
        },
        AbortSignal.timeout(30_000),
      );
    }
  }),
);
const directSeconds = (performance.now() - directStart) / 1000;

const runs = createEvalRunRepository(gatehouse.database);
const datasets = createDatasetRepository(gatehouse.database);
const measure = async (cache: boolean) => {
  const start = performance.now();
  const outcome = await runSuite({
    suite,
    client,
    runs,
    datasets,
    signal: new AbortController().signal,
    concurrency,
    cache,
  });
  return { seconds: (performance.now() - start) / 1000, outcome };
};
const fresh = await measure(true);
const cached = await measure(true);

await client.close();
await gatehouse.close();
rmSync(directory, { recursive: true, force: true });

const rate = (seconds: number) => items / seconds;
console.log(`eval runner: ${items} items × 3 metrics, concurrency ${concurrency}, mock model, SQLite file`);
console.log(`  direct gateway calls (ceiling) ${rate(directSeconds).toFixed(0).padStart(6)} items/s`);
console.log(
  `  eval run, fresh                ${rate(fresh.seconds).toFixed(0).padStart(6)} items/s  (${(rate(fresh.seconds) / rate(directSeconds)).toFixed(2)}× direct; ${((fresh.outcome.summary.items * 3) / fresh.seconds).toFixed(0)} metric evaluations/s; ${fresh.outcome.summary.passed}/${fresh.outcome.summary.items} passed)`,
);
console.log(
  `  eval re-run, response cache    ${rate(cached.seconds).toFixed(0).padStart(6)} items/s  (${(rate(cached.seconds) / rate(directSeconds)).toFixed(2)}× direct; ${cached.outcome.summary.cachedItems} cached)`,
);
