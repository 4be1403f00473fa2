/**
 * The registry on SQLite and on the machine's PostgreSQL: protected labels and the eval gate, the
 * change callback the cache relies on, tenant isolation (another tenant's prompt is a 404), rollback
 * history, and a prompt keeping its type.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { openDatabase, type Database } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import {
  createPostgresTestDatabase,
  postgresAvailable,
  type PostgresTestDatabase,
} from '../storage/testing/postgres-test-database.js';
import { createPromptRepository } from './prompt-repository.js';
import { createPromptResolver } from './prompt-resolver.js';
import { createPromptRegistry, type PromptEvalGate } from './registry.js';
import type { PromptScope } from './types.js';

const backends = [
  { name: 'SQLite', available: true },
  { name: 'PostgreSQL', available: await postgresAvailable() },
] as const;

const acme: PromptScope = { tenantId: 'acme', projectId: 'default' };
const globex: PromptScope = { tenantId: 'globex', projectId: 'default' };

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe.each(backends)('prompt registry on $name', ({ name, available }) => {
  let database: Database;
  let postgres: PostgresTestDatabase | null = null;

  beforeEach(async () => {
    if (!available) return;
    if (name === 'PostgreSQL') {
      postgres = await createPostgresTestDatabase();
      database = await openDatabase(postgres!.url);
    } else {
      database = await openDatabase(':memory:');
    }
    await migrateToLatest(database);
  });
  afterEach(async () => {
    if (!available) return;
    await database.close();
    await postgres?.drop();
  });

  function setup(evalGate?: PromptEvalGate) {
    const repository = createPromptRepository(database);
    const resolver = createPromptResolver({ repository, refreshIntervalMs: 60_000 });
    const onPromptChanged = vi.fn();
    const registry = createPromptRegistry({
      repository,
      resolver,
      protectedLabels: ['production'],
      evalGate,
      onPromptChanged,
    });
    return { registry, resolver, onPromptChanged };
  }

  const push = (registry: ReturnType<typeof setup>['registry'], template: string, scope = acme) =>
    registry.push(
      scope,
      {
        name: 'greet',
        template,
        config: { model: 'm' },
        variables: [],
        tags: [],
        extra_variables: 'ignore',
        labels: [],
      },
      'tester',
    );

  it.skipIf(!available)(
    'lets a protected label move only to a version that passed its eval gate',
    async () => {
      const passed = new Set([2]);
      const { registry } = setup({
        check: ({ version }) =>
          Promise.resolve(
            passed.has(version) ? { passed: true } : { passed: false, reason: 'accuracy 0.61 < 0.8' },
          ),
      });
      await push(registry, 'Hi {{name}}');
      await push(registry, 'Hello {{name}}');
      const refused = await rejection(
        registry.moveLabel(acme, 'greet', { label: 'production', version: 1, actor: 'a', action: 'promote' }),
      );
      expect(refused.status).toBe(403);
      expect(refused.publicCode).toBe('eval_gate_failed');
      expect(refused.message).toContain('accuracy 0.61 < 0.8');
      await expect(
        registry.moveLabel(acme, 'greet', { label: 'production', version: 2, actor: 'a', action: 'promote' }),
      ).resolves.toMatchObject({ toVersion: 2 });
      // Unprotected labels need no gate.
      await expect(
        registry.moveLabel(acme, 'greet', { label: 'staging', version: 1, actor: 'a', action: 'promote' }),
      ).resolves.toMatchObject({ toVersion: 1 });
    },
  );

  it.skipIf(!available)(
    'calls onPromptChanged on every version push and label move, and serves the move at once',
    async () => {
      const { registry, resolver, onPromptChanged } = setup();
      await push(registry, 'v1');
      await push(registry, 'v2');
      await push(registry, 'v2');
      expect(onPromptChanged).toHaveBeenCalledTimes(2);
      await registry.moveLabel(acme, 'greet', {
        label: 'production',
        version: 1,
        actor: 'a',
        action: 'promote',
      });
      const reference = { name: 'greet', label: 'production', version: null };
      const assignment = { user: undefined, metadata: undefined };
      expect((await resolver.resolve(acme, reference, assignment)).version).toBe(1);
      await registry.moveLabel(acme, 'greet', {
        label: 'production',
        version: 2,
        actor: 'a',
        action: 'promote',
      });
      expect(onPromptChanged).toHaveBeenLastCalledWith('greet', acme);
      expect((await resolver.resolve(acme, reference, assignment)).version).toBe(2);
    },
  );

  it.skipIf(!available)(
    "answers 404 for another tenant's prompt, in the API and in the gateway",
    async () => {
      const { registry, resolver } = setup();
      await push(registry, 'secret for acme');
      await registry.moveLabel(acme, 'greet', {
        label: 'production',
        version: 1,
        actor: 'a',
        action: 'promote',
      });
      expect((await rejection(registry.get(globex, 'greet'))).status).toBe(404);
      const served = await rejection(
        resolver.resolve(
          globex,
          { name: 'greet', label: 'production', version: null },
          { user: undefined, metadata: undefined },
        ),
      );
      expect(served.status).toBe(404);
      expect(served.publicCode).toBe('prompt_not_found');
      // The same name in another tenant is another prompt, numbered from 1.
      expect((await push(registry, 'globex text', globex)).version.version).toBe(1);
      expect(await registry.list(globex)).toMatchObject([{ name: 'greet', latestVersion: 1 }]);
    },
  );

  it.skipIf(!available)(
    'walks back through the history on repeated rollbacks, and keeps a prompt text or chat',
    async () => {
      const { registry } = setup();
      for (const text of ['v1', 'v2', 'v3']) await push(registry, text);
      for (const version of [1, 2, 3]) {
        await registry.moveLabel(acme, 'greet', {
          label: 'production',
          version,
          actor: 'a',
          action: 'promote',
        });
      }
      expect(await registry.rollback(acme, 'greet', { label: 'production', actor: 'a' })).toMatchObject({
        toVersion: 2,
      });
      expect(await registry.rollback(acme, 'greet', { label: 'production', actor: 'a' })).toMatchObject({
        toVersion: 1,
      });
      expect(
        (await rejection(registry.rollback(acme, 'greet', { label: 'production', actor: 'a' }))).status,
      ).toBe(409);

      const chat = await rejection(
        registry.push(
          acme,
          {
            name: 'greet',
            template: [{ role: 'user', content: 'x' }],
            config: {},
            variables: [],
            tags: [],
            extra_variables: 'ignore',
            labels: [],
          },
          'a',
        ),
      );
      expect(chat.status).toBe(409);
      expect(chat.publicCode).toBe('prompt_type_mismatch');
    },
  );
});
