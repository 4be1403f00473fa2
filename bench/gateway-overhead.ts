/**
 * `npm run bench`: what the gateway costs over calling the upstream directly, measured in one run.
 *
 * Starts the mock upstream and the gateway as separate processes (each its own event loop, as in
 * production), then drives both with the same load: throughput at 16 connections and latency at 1
 * connection, non-streamed and streamed; then what calling by prompt reference (`prompt:name`) adds
 * to a gateway call. Absolute numbers drift on a shared machine; the ratios (gateway ÷ direct,
 * measured back to back) are the result. Then the response cache: a second gateway with a semantic
 * cache policy, measured on exact hits and on semantic hits (embedding included).
 *
 * Options (env): BENCH_SECONDS (default 8), BENCH_CONNECTIONS (16), BENCH_PROFILE=1 writes a
 * `--cpu-prof` profile of the gateway into bench/profiles/.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { request } from 'undici';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const profile = process.env.BENCH_PROFILE === '1';
const masterKey = 'bench-master-key-0123456789';
const upstreamPort = 41_000 + Math.floor(Math.random() * 1000);
const gatewayPort = upstreamPort + 1000;

const chatBody = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Summarise the benefits of an AI gateway in two sentences.' },
  ],
  max_tokens: 64,
});
const streamBody = JSON.stringify({ ...JSON.parse(chatBody), stream: true });
// The same call by prompt reference: the registry renders the same two messages.
const benchPrompt = {
  name: 'bench-summary',
  template: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Summarise the benefits of {{topic}} in two sentences.' },
  ],
  config: { model: 'gpt-4o-mini', max_tokens: 64 },
  labels: ['production'],
};
const promptBody = JSON.stringify({
  model: 'prompt:bench-summary',
  prompt_variables: { topic: 'an AI gateway' },
});

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const children: ChildProcess[] = [];
  try {
    children.push(
      start(['src/cli/main.ts', 'mock-upstream', '--port', String(upstreamPort), '--no-record'], []),
    );
    await waitForHttp(`http://127.0.0.1:${upstreamPort}/v1/models`, { authorization: 'Bearer x' });
    const configPath = join(directory, 'gatehouse.yaml');
    writeFileSync(
      configPath,
      [
        'providers:',
        `  - { id: upstream, type: openai, base_url: "http://127.0.0.1:${upstreamPort}/v1", api_key: bench }`,
        'models:',
        '  - { name: gpt-4o-mini, targets: [{ provider: upstream, model: gpt-4o-mini }] }',
        `storage: { database_url: "${join(directory, 'bench.db')}" }`,
      ].join('\n'),
    );
    const profileFlags = profile ? ['--cpu-prof', `--cpu-prof-dir=${join('bench', 'profiles')}`] : [];
    if (profile) mkdirSync(join('bench', 'profiles'), { recursive: true });
    const gateway = start(
      ['src/cli/main.ts', 'serve', '--config', configPath, '--port', String(gatewayPort)],
      profileFlags,
      {
        GATEHOUSE_MASTER_KEY: masterKey,
        LOG_LEVEL: 'warn',
      },
    );
    children.push(gateway);
    await waitForHttp(`http://127.0.0.1:${gatewayPort}/health`, {});

    const direct = { url: `http://127.0.0.1:${upstreamPort}/v1/chat/completions`, key: 'x' };
    const viaGateway = { url: `http://127.0.0.1:${gatewayPort}/v1/chat/completions`, key: masterKey };

    console.log(
      `gatehouse bench: ${seconds}s per run, ${connections} connections; mock upstream and gateway on this machine\n`,
    );
    // Warm both paths (JIT, connection pools) before measuring.
    await load(direct, chatBody, connections, 2);
    await load(viaGateway, chatBody, connections, 2);

    const rows: string[][] = [];
    for (const [label, body] of [
      ['non-streamed', chatBody],
      ['streamed', streamBody],
    ] as const) {
      const directLoad = await load(direct, body, connections, seconds);
      const gatewayLoad = await load(viaGateway, body, connections, seconds);
      rows.push([
        `${label}: req/s @${connections} conn`,
        directLoad.requests.average.toFixed(0),
        gatewayLoad.requests.average.toFixed(0),
        `${(gatewayLoad.requests.average / directLoad.requests.average).toFixed(2)}×`,
      ]);
      const directSerial = await serialLatency(direct, body, label === 'streamed');
      const gatewaySerial = await serialLatency(viaGateway, body, label === 'streamed');
      for (const [name, pick] of [
        ['p50', (values: number[]) => percentile(values, 0.5)],
        ['p99', (values: number[]) => percentile(values, 0.99)],
      ] as const) {
        const a = pick(directSerial.total);
        const b = pick(gatewaySerial.total);
        rows.push([`${label}: ${name} ms @1 conn`, a.toFixed(3), b.toFixed(3), `+${(b - a).toFixed(3)} ms`]);
      }
      if (label === 'streamed') {
        const a = percentile(directSerial.firstChunk, 0.5);
        const b = percentile(gatewaySerial.firstChunk, 0.5);
        rows.push(['streamed: first chunk p50 ms', a.toFixed(3), b.toFixed(3), `+${(b - a).toFixed(3)} ms`]);
      }
    }
    printTable(['measure', 'direct', 'gateway', 'gateway vs direct'], rows);

    // Prompt resolution: the same call by prompt reference vs by model name, both through the gateway.
    const pushed = await request(`http://127.0.0.1:${gatewayPort}/api/prompts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${masterKey}` },
      body: JSON.stringify(benchPrompt),
    });
    await pushed.body.dump();
    await load(viaGateway, promptBody, connections, 2);
    const byModel = await serialLatency(viaGateway, chatBody, false);
    const byPrompt = await serialLatency(viaGateway, promptBody, false);
    const [modelP50, promptP50] = [percentile(byModel.total, 0.5), percentile(byPrompt.total, 0.5)];
    console.log('');
    printTable(
      ['measure', 'by model', 'by prompt', 'prompt resolution adds'],
      [
        [
          'p50 ms @1 conn',
          modelP50.toFixed(3),
          promptP50.toFixed(3),
          `+${(promptP50 - modelP50).toFixed(3)} ms`,
        ],
      ],
    );

    await measureCache(directory, upstreamPort, children);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The paraphrase pair the semantic case uses: the first is stored, the second is answered from it. */
const storedQuestion = 'How do I reset my password?';
const paraphrasedQuestion = 'How can I reset my password?';
const cachePort = upstreamPort + 2000;

/** Exact and semantic cache hits through a gateway with a semantic policy (its process joins `children`). */
async function measureCache(directory: string, port: number, children: ChildProcess[]): Promise<void> {
  const configPath = join(directory, 'gatehouse-cache.yaml');
  writeFileSync(
    configPath,
    [
      'providers:',
      `  - { id: upstream, type: openai, base_url: "http://127.0.0.1:${port}/v1", api_key: bench }`,
      'models:',
      '  - { name: gpt-4o-mini, targets: [{ provider: upstream, model: gpt-4o-mini }] }',
      `storage: { database_url: "${join(directory, 'bench-cache.db')}" }`,
      'cache: { policy: { mode: semantic, when: always } }',
    ].join('\n'),
  );
  const gateway = start(
    ['src/cli/main.ts', 'serve', '--config', configPath, '--port', String(cachePort)],
    [],
    {
      GATEHOUSE_MASTER_KEY: masterKey,
      LOG_LEVEL: 'warn',
    },
  );
  children.push(gateway);
  await waitForHttp(`http://127.0.0.1:${cachePort}/health`, {});
  const target = { url: `http://127.0.0.1:${cachePort}/v1/chat/completions`, key: masterKey };
  const ask = (question: string) =>
    JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], max_tokens: 64 });

  // Store the answers: the benchmark's chat body (exact hits) and the stored question (semantic hits).
  for (const body of [chatBody, ask(storedQuestion)]) await expectCache(target, body, 'miss');
  await expectCache(target, chatBody, 'hit');
  // A semantic hit is never stored under the paraphrase's own key, so every request embeds again.
  await expectCache(target, ask(paraphrasedQuestion), 'semantic-hit');

  const rows: string[][] = [];
  for (const [label, body] of [
    ['exact hits', chatBody],
    ['semantic hits (embedding included)', ask(paraphrasedQuestion)],
  ] as const) {
    const throughput = await load(target, body, connections, seconds);
    const serial = await serialLatency(target, body, false);
    rows.push([
      label,
      throughput.requests.average.toFixed(0),
      percentile(serial.total, 0.5).toFixed(3),
      percentile(serial.total, 0.99).toFixed(3),
    ]);
  }
  console.log('');
  printTable(['response cache', `req/s @${connections} conn`, 'p50 ms @1 conn', 'p99 ms @1 conn'], rows);
}

async function expectCache(
  target: { url: string; key: string },
  body: string,
  expected: string,
): Promise<void> {
  const response = await request(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.key}` },
    body,
  });
  await response.body.dump();
  const status = response.headers['x-gatehouse-cache'];
  if (status !== expected)
    throw new Error(`cache bench: expected x-gatehouse-cache ${expected}, got ${String(status)}`);
}

function start(args: string[], nodeFlags: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && code !== null) console.error(`${args[1]} exited with ${code}`);
  });
  return child;
}

async function waitForHttp(url: string, headers: Record<string, string>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const response = await request(url, { headers });
      await response.body.dump();
      if (response.statusCode < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up`);
}

function load(target: { url: string; key: string }, body: string, connectionCount: number, duration: number) {
  return autocannon({
    url: target.url,
    method: 'POST',
    connections: connectionCount,
    duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.key}` },
    body,
  });
}

/** Sequential requests on one keep-alive connection: total time and (streams) time to first chunk. */
async function serialLatency(target: { url: string; key: string }, body: string, stream: boolean) {
  const total: number[] = [];
  const firstChunk: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  for (let index = 0; index < 100 || performance.now() < deadline; index++) {
    if (index >= 20_000) break;
    const started = performance.now();
    const response = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.key}` },
      body,
    });
    let first = true;
    for await (const _chunk of response.body) {
      if (first && stream) firstChunk.push(performance.now() - started);
      first = false;
    }
    if (response.statusCode !== 200) throw new Error(`${target.url} answered ${response.statusCode}`);
    total.push(performance.now() - started);
  }
  return { total, firstChunk };
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}

await main();
