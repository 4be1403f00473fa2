import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './load.js';
import { ConfigError } from './config-error.js';
import { renderConfigReference } from './describe-schema.js';

function withFile(yaml: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
  const path = join(directory, 'gatehouse.yaml');
  writeFileSync(path, yaml);
  return path;
}

const minimal = `
providers:
  - id: openai-main
    type: openai
    api_key: \${TEST_OPENAI_KEY}
models:
  - name: fast
    targets:
      - { provider: openai-main, model: gpt-4o-mini }
`;

describe('loadConfig', () => {
  it('reads a file, interpolates the environment and fills defaults', () => {
    const { config, source } = loadConfig({ path: withFile(minimal), env: { TEST_OPENAI_KEY: 'sk-123' } });
    expect(source).toMatch(/gatehouse\.yaml$/);
    expect(config.providers[0]).toMatchObject({ id: 'openai-main', api_key: 'sk-123', connections: 256 });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 4000 });
    expect(config.telemetry.capture_content).toBe(true);
  });

  it('names an unset environment variable and its path', () => {
    expect(() => loadConfig({ path: withFile(minimal), env: {} })).toThrow(
      /providers\.0\.api_key: environment variable TEST_OPENAI_KEY is not set/,
    );
  });

  it('uses ${VAR:-default} when the variable is unset', () => {
    const path = withFile(minimal.replace('${TEST_OPENAI_KEY}', '${TEST_OPENAI_KEY:-fallback}'));
    expect(loadConfig({ path, env: {} }).config.providers[0]?.api_key).toBe('fallback');
  });

  it('rejects unknown keys with their path', () => {
    const path = withFile(`${minimal}\nserver:\n  prot: 80\n`);
    expect(() => loadConfig({ path, env: { TEST_OPENAI_KEY: 'k' } })).toThrow(/server: .*\(unknown: prot\)/);
  });

  it('rejects a target naming an unknown provider', () => {
    const path = withFile(minimal.replace('provider: openai-main,', 'provider: nope,'));
    expect(() => loadConfig({ path, env: { TEST_OPENAI_KEY: 'k' } })).toThrow(
      /models\.0\.targets\.0\.provider: unknown provider "nope"/,
    );
  });

  it('fills drift monitor defaults and rejects unknown webhooks (rules and monitors) and names taken by alert rules', () => {
    const drift = `
alerts:
  webhooks: [{ id: ops, url: 'https://hooks.example.com/x' }]
  rules: [{ name: taken, metric: cost, window: 1d, threshold: 1 }]
drift:
  monitors:
    - { name: route-drift, webhooks: [ops] }
`;
    const { config } = loadConfig({ path: withFile(minimal + drift), env: { TEST_OPENAI_KEY: 'k' } });
    expect(config.drift.monitors[0]).toMatchObject({
      group_by: 'model',
      recent: 86_400_000,
      reference: { window: 604_800_000 },
      min_samples: 30,
      thresholds: { input_embedding: 0.05, input_length: 0.2, language: 0.2 },
    });
    const unknownWebhook = withFile(minimal + drift.replace('webhooks: [ops] }', 'webhooks: [pager] }'));
    expect(() => loadConfig({ path: unknownWebhook, env: { TEST_OPENAI_KEY: 'k' } })).toThrow(
      /drift\.monitors\.0\.webhooks\.0: unknown webhook "pager"/,
    );
    const ruleWebhook = withFile(
      minimal + drift.replace('threshold: 1 }', 'threshold: 1, webhooks: [pagr] }'),
    );
    expect(() => loadConfig({ path: ruleWebhook, env: { TEST_OPENAI_KEY: 'k' } })).toThrow(
      /alerts\.rules\.0\.webhooks\.0: unknown webhook "pagr"/,
    );
    const clash = withFile(minimal + drift.replace('name: route-drift', 'name: taken'));
    expect(() => loadConfig({ path: clash, env: { TEST_OPENAI_KEY: 'k' } })).toThrow(
      /drift\.monitors\.0\.name: duplicate alert name "taken"/,
    );
  });

  it('rejects a wrong provider type', () => {
    const path = withFile(minimal.replace('type: openai', 'type: openia'));
    expect(() => loadConfig({ path, env: { TEST_OPENAI_KEY: 'k' } })).toThrow(/providers\.0\.type/);
  });

  it('lets the environment override the port, database, Redis and master key', () => {
    const { config } = loadConfig({
      path: withFile(minimal),
      env: {
        TEST_OPENAI_KEY: 'k',
        PORT: '8080',
        DATABASE_URL: 'postgres://x/y',
        REDIS_URL: 'redis://127.0.0.1:6380/2',
        GATEHOUSE_MASTER_KEY: 'a-long-master-key-123',
      },
    });
    expect(config.server.port).toBe(8080);
    expect(config.storage.database_url).toBe('postgres://x/y');
    expect(config.storage.redis_url).toBe('redis://127.0.0.1:6380/2');
    expect(config.auth.master_key).toBe('a-long-master-key-123');
  });

  it('fails clearly on a missing file', () => {
    expect(() => loadConfig({ path: '/nonexistent/gatehouse.yaml', env: {} })).toThrow(ConfigError);
  });

  it('without a file, serves the mock model and detects providers from API keys', () => {
    const empty = mkdtempSync(join(tmpdir(), 'gatehouse-noconfig-'));
    const { config, source } = loadConfig({ cwd: empty, env: { ANTHROPIC_API_KEY: 'sk-ant' } });
    expect(source).toBeNull();
    expect(config.models.map((model) => model.name)).toEqual(['mock', 'anthropic/*']);
    expect(config.providers.find((provider) => provider.id === 'anthropic')).toMatchObject({
      type: 'anthropic',
      api_key: 'sk-ant',
    });
  });
});

describe('docs/configuration.md', () => {
  it('is generated from the current schema (run npm run docs:config)', () => {
    const committed = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderConfigReference());
  });
});
