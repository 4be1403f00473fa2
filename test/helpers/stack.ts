/**
 * Starts what an end-to-end test talks to: the mock upstream (speaking every provider's wire format)
 * and a real Gatehouse on port 0 configured with one provider per format, on SQLite or on a fresh
 * PostgreSQL database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfig } from '../../src/config/load.js';
import { createGatehouse } from '../../src/gatehouse.js';
import type { Gatehouse } from '../../src/gatehouse.js';
import { startMockUpstream } from '../../src/mock-upstream/server.js';
import type { MockUpstream, MockUpstreamOptions } from '../../src/mock-upstream/server.js';
import { createPostgresTestDatabase } from '../../src/storage/testing/postgres-test-database.js';

export type StoreKind = 'sqlite' | 'postgres';

export interface Stack {
  url: string;
  /** The store's URL (a SQLite path or a PostgreSQL URL): a second Gatehouse on it is a replica. */
  databaseUrl: string;
  mock: MockUpstream;
  gatehouse: Gatehouse;
  close(): Promise<void>;
}

export interface StackOptions {
  store?: StoreKind;
  /** Extra top-level config merged over the default test config. */
  config?: Record<string, unknown>;
  mock?: MockUpstreamOptions;
  /** Extra `storage` settings (redis_url…) merged over the test database. */
  storage?: Record<string, unknown>;
  /** Extra providers and models appended to the defaults (providers may be built from the mock's URL). */
  providers?: Record<string, unknown>[] | ((mockUrl: string) => Record<string, unknown>[]);
  models?: Record<string, unknown>[];
  /** The clock alerts and drift windows are judged by (default `Date.now`). */
  now?: () => number;
}

export const masterKey = 'gh-test-master-key-0123456789';

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const mock = await startMockUpstream({ port: 0, ...options.mock });
  const storage = await openStore(options.store ?? 'sqlite');
  const config = parseConfig({
    server: { host: '127.0.0.1', port: 0 },
    auth: { master_key: masterKey },
    storage: { database_url: storage.url, ...options.storage },
    telemetry: { flush_interval_ms: 10 },
    providers: [
      { id: 'up-openai', type: 'openai', base_url: `${mock.url}/v1`, api_key: 'sk-upstream-openai' },
      { id: 'up-anthropic', type: 'anthropic', base_url: mock.url, api_key: 'sk-upstream-anthropic' },
      { id: 'up-gemini', type: 'gemini', base_url: mock.url, api_key: 'upstream-gemini-key' },
      { id: 'up-azure', type: 'azure', base_url: mock.url, api_key: 'upstream-azure-key' },
      ...(typeof options.providers === 'function' ? options.providers(mock.url) : (options.providers ?? [])),
    ],
    models: [
      { name: 'gpt-4o-mini', targets: [{ provider: 'up-openai', model: 'gpt-4o-mini' }] },
      { name: 'claude-haiku', targets: [{ provider: 'up-anthropic', model: 'claude-3-5-haiku-20241022' }] },
      { name: 'gemini-flash', targets: [{ provider: 'up-gemini', model: 'gemini-2.0-flash' }] },
      { name: 'azure-gpt-4o', targets: [{ provider: 'up-azure', model: 'gpt-4o' }] },
      {
        name: 'text-embedding-3-small',
        targets: [{ provider: 'up-openai', model: 'text-embedding-3-small' }],
      },
      { name: 'gemini-embedding', targets: [{ provider: 'up-gemini', model: 'gemini-embedding-001' }] },
      ...(options.models ?? []),
    ],
    ...options.config,
  });
  const gatehouse = await createGatehouse({
    config,
    logger: pino({ level: 'silent' }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const url = await gatehouse.listen();
  return {
    url,
    databaseUrl:
      typeof options.storage?.database_url === 'string' ? options.storage.database_url : storage.url,
    mock,
    gatehouse,
    async close() {
      await gatehouse.close();
      await mock.close();
      await storage.drop();
    },
  };
}

async function openStore(kind: StoreKind): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === 'postgres') {
    const database = await createPostgresTestDatabase();
    if (database === null) throw new Error('PostgreSQL is not reachable (tests should have been skipped)');
    return database;
  }
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  return {
    url: join(directory, 'gatehouse.db'),
    drop: () => Promise.resolve(rmSync(directory, { recursive: true, force: true })),
  };
}

/** GET a control-plane route with the master key; waits for telemetry to be written first. */
export async function api<T>(stack: Stack, path: string): Promise<{ status: number; body: T }> {
  await stack.gatehouse.telemetry.flush();
  const response = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${masterKey}` } });
  return { status: response.status, body: (await response.json()) as T };
}
