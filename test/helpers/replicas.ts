/**
 * Several Gatehouse replicas in one test: real servers on port 0 sharing one SQLite file (the
 * control-plane store) and one Redis key prefix (the limit store), as replicas behind a load balancer
 * share PostgreSQL and Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { createGatehouse, type Gatehouse } from '../../src/gatehouse.js';
import { masterKey } from './stack.js';

export interface Replicas {
  urls: string[];
  gatehouses: Gatehouse[];
  close(): Promise<void>;
}

export interface ReplicaOptions {
  count: number;
  redisUrl: string;
  keyPrefix: string;
  /** The upstream (OpenAI-compatible) every replica routes `counted` to. */
  upstreamUrl: string;
  /** Extra top-level config (limits, pricing…). */
  config?: Record<string, unknown>;
}

export async function startReplicas(options: ReplicaOptions): Promise<Replicas> {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-replicas-'));
  const gatehouses: Gatehouse[] = [];
  const urls: string[] = [];
  try {
    for (let index = 0; index < options.count; index += 1) {
      const config = parseConfig({
        server: { host: '127.0.0.1', port: 0 },
        auth: { master_key: masterKey },
        storage: {
          database_url: join(directory, 'gatehouse.db'),
          redis_url: options.redisUrl,
          redis_key_prefix: options.keyPrefix,
        },
        telemetry: { flush_interval_ms: 10 },
        providers: [
          { id: 'counting', type: 'openai', base_url: options.upstreamUrl, api_key: 'sk-upstream' },
        ],
        models: [{ name: 'counted', targets: [{ provider: 'counting', model: 'counted-model' }] }],
        ...options.config,
      });
      // One at a time: the first migrates the shared file.
      const gatehouse = await createGatehouse({ config, logger: pino({ level: 'silent' }) });
      gatehouses.push(gatehouse);
      urls.push(await gatehouse.listen());
    }
  } catch (error) {
    await Promise.allSettled(gatehouses.map((gatehouse) => gatehouse.close()));
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    urls,
    gatehouses,
    async close() {
      await Promise.allSettled(gatehouses.map((gatehouse) => gatehouse.close()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

export interface HammerResult {
  status: number;
  retryAfter: string | null;
  limit: string | null;
  code: string | null;
  totalTokens: number | null;
}

/**
 * Sends `total` chat completions from `connections` concurrent clients, alternating replicas, and
 * returns what each got.
 */
export async function hammer(
  urls: string[],
  key: string,
  options: { total: number; connections: number; body: Record<string, unknown> },
): Promise<HammerResult[]> {
  const results: HammerResult[] = [];
  let next = 0;
  async function client(): Promise<void> {
    while (next < options.total) {
      const index = next;
      next += 1;
      const url = urls[index % urls.length] ?? '';
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(options.body),
      });
      const body = (await response.json()) as {
        usage?: { total_tokens: number };
        error?: { code: string };
      };
      results.push({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        limit: response.headers.get('x-gatehouse-limit'),
        code: body.error?.code ?? null,
        totalTokens: body.usage?.total_tokens ?? null,
      });
    }
  }
  await Promise.all(Array.from({ length: options.connections }, () => client()));
  return results;
}
