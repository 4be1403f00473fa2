/**
 * `gatehouse mock-upstream`: runs the FAKE model server (OpenAI, Azure OpenAI, Gemini and Anthropic
 * wire formats; replies echo the prompt, never a real model) for demos, tests and load tests, and
 * prints the provider entries to paste into gatehouse.yaml. Stops on SIGINT/SIGTERM.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { MockUpstreamOptions } from '../mock-upstream/types.js';

interface MockUpstreamCommandOptions {
  host: string;
  port: number;
  latencyMs?: number;
  tokensPerSecond?: number;
  failureRate?: number;
  failureStatus?: number;
  seed?: number;
  record: boolean;
}

export function registerMockUpstreamCommand(program: Command): void {
  program
    .command('mock-upstream')
    .description(
      'Run a fake LLM upstream for demos, tests and load tests. It speaks the OpenAI, Azure OpenAI, Gemini and ' +
        'Anthropic APIs but is NOT a real model: replies echo your prompt ("[mock] You said: …"), JSON and tool calls are placeholders.',
    )
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <n>', 'TCP port (0 picks a free one)', parseInteger('port', 0, 65_535), 8787)
    .option('--latency-ms <n>', 'delay before every answer', parseInteger('latency', 0, 600_000))
    .option('--tokens-per-second <n>', 'stream pacing (default: as fast as possible)', parsePositive)
    .option('--failure-rate <r>', 'share of requests, 0..1, that fail with --failure-status', parseRate)
    .option(
      '--failure-status <s>',
      'status of the random failures (default 500)',
      parseInteger('status', 100, 599),
    )
    .option(
      '--seed <n>',
      'seed for the failure PRNG, for reproducible runs',
      parseInteger('seed', 0, 2 ** 32 - 1),
    )
    .option('--no-record', 'do not keep requests for GET /__mock/requests (for long load tests)')
    .addHelpText(
      'after',
      "\nPer-request controls (send them as headers, e.g. through a provider's `headers` in gatehouse.yaml):\n" +
        '  x-mock-latency-ms, x-mock-tokens-per-second, x-mock-fail-status, x-mock-fail-message,\n' +
        '  x-mock-cut-after-chunks (break a stream), x-mock-reply (fixed reply text)\n' +
        'Recorded requests: GET /__mock/requests (DELETE to clear).',
    )
    .action(async (options: MockUpstreamCommandOptions) => {
      await runMockUpstream(options);
    });
}

async function runMockUpstream(options: MockUpstreamCommandOptions): Promise<void> {
  const settings: MockUpstreamOptions = {
    host: options.host,
    port: options.port,
    recordRequests: options.record,
  };
  if (options.latencyMs !== undefined) settings.latencyMs = options.latencyMs;
  if (options.tokensPerSecond !== undefined) settings.tokensPerSecond = options.tokensPerSecond;
  if (options.failureRate !== undefined) settings.failureRate = options.failureRate;
  if (options.failureStatus !== undefined) settings.failureStatus = options.failureStatus;
  if (options.seed !== undefined) settings.seed = options.seed;

  const { startMockUpstream } = await import('../mock-upstream/server.js');
  const upstream = await startMockUpstream(settings);
  process.stdout.write(describe(upstream.url));

  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    upstream.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `gatehouse mock-upstream: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The banner: the URL, a reminder that this is fake, and gatehouse.yaml entries for each format. */
export function describe(url: string): string {
  const provider = (id: string, type: string, baseUrl: string): string =>
    `  - id: ${id}\n    type: ${type}\n    base_url: ${baseUrl}\n    api_key: mock-key   # any value; the mock only checks one is sent\n`;
  return (
    `gatehouse mock-upstream listening on ${url}\n` +
    'This is a FAKE model server for demos, tests and load tests — replies are not from a real model.\n\n' +
    'Paste into gatehouse.yaml:\n\n' +
    'providers:\n' +
    provider('mock-openai', 'openai', `${url}/v1`) +
    provider('mock-anthropic', 'anthropic', url) +
    provider('mock-gemini', 'gemini', url) +
    provider('mock-azure', 'azure', url) +
    '\nmodels:\n' +
    '  - name: mock-gpt\n    targets: [{ provider: mock-openai, model: mock-gpt }]\n\n' +
    'Stop with Ctrl-C.\n'
  );
}

function parseInteger(name: string, minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`${name} must be an integer from ${minimum} to ${maximum}.`);
    }
    return parsed;
  };
}

function parsePositive(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a positive number.');
  return parsed;
}

function parseRate(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError('must be a number from 0 to 1.');
  return parsed;
}
