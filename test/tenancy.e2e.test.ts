/**
 * Tenancy through the real server: keys shown once and stored hashed, 401s that do not tell unknown
 * from revoked, roles, model allow-lists, policy defaults reaching traces, bad input naming the field,
 * the audit log, and spend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chatBody, createTenantWithKey, type Created } from './helpers/admin-client.js';
import { startStack, type Stack } from './helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    providers: [{ id: 'fake', type: 'mock' }],
    models: [
      { name: 'mock', targets: [{ provider: 'fake', model: 'mock-1' }] },
      { name: 'mock-large', targets: [{ provider: 'fake', model: 'mock-2' }] },
    ],
    config: { pricing: { models: { 'mock-1': { input: 1000, output: 1000 } } } },
  });
});
afterAll(() => stack.close());

const chat = (key: string | null, body: Record<string, unknown> = chatBody()) =>
  call<{ error?: { code: string; type: string; message: string; param: string | null } }>(
    stack.url,
    'POST',
    '/v1/chat/completions',
    { key, body },
  );

describe('virtual keys', () => {
  it('are shown once, listed by prefix only, and run as their tenant and project', async () => {
    const { key, keyId, tenantId, projectId } = await createTenantWithKey(stack.url, 'shown-once');
    expect(key).toMatch(/^ghk_[A-Za-z0-9_-]{43}$/);
    const read = await call<Record<string, unknown>>(stack.url, 'GET', `/api/keys/${keyId}`);
    expect(read.body.key).toBeUndefined();
    expect(key.startsWith(read.body.prefix as string)).toBe(true);
    expect(JSON.stringify(read.body)).not.toContain(key);

    expect((await chat(key)).status).toBe(200);
    await stack.gatehouse.telemetry.flush();
    const traces = await call<{ data: { tenantId: string; projectId: string; keyId: string }[] }>(
      stack.url,
      'GET',
      '/api/traces',
      { key },
    );
    expect(traces.body.data).toEqual([expect.objectContaining({ tenantId, projectId, keyId })]);
  });

  it('answers unknown and revoked keys with the same 401', async () => {
    const { key, keyId } = await createTenantWithKey(stack.url, 'revoked');
    expect((await call(stack.url, 'DELETE', `/api/keys/${keyId}`)).status).toBe(200);
    const revoked = await chat(key);
    const unknown = await chat(`ghk_${'x'.repeat(43)}`);
    expect(revoked.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(revoked.body).toEqual(unknown.body);
    expect(revoked.body.error?.code).toBe('invalid_api_key');
  });

  it('stop working when they expire, and cannot be given an expiry in the past', async () => {
    const expiresAt = Date.now() + 1_000;
    const { key, keyId } = await createTenantWithKey(stack.url, 'expiring', { expires_at: expiresAt });
    expect((await chat(key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 50));
    const expired = await chat(key);
    expect(expired.status).toBe(401);
    expect(expired.body.error?.code).toBe('invalid_api_key');
    const past = await call<{ error: { param: string } }>(stack.url, 'PATCH', `/api/keys/${keyId}`, {
      body: { expires_at: new Date(Date.now() - 1000).toISOString() },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.param).toBe('expires_at');
  });

  it('only reach the models they allow', async () => {
    const { key } = await createTenantWithKey(stack.url, 'allow-list', { allowed_models: ['mock'] });
    expect((await chat(key)).status).toBe(200);
    const refused = await chat(key, chatBody('mock-large'));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    const listed = await call<{ data: { id: string }[] }>(stack.url, 'GET', '/v1/models', { key });
    expect(listed.body.data.map((model) => model.id)).toEqual(['mock']);
    expect((await call(stack.url, 'GET', '/v1/models/mock-large', { key })).status).toBe(404);
  });

  it('record the default metadata of their policy in traces, under the request metadata', async () => {
    const { key } = await createTenantWithKey(stack.url, 'defaults', {
      policy: { default_metadata: { team: 'search', env: 'prod' }, guardrail_policy: 'strict' },
    });
    expect((await chat(key, chatBody('mock', { metadata: { env: 'staging' } }))).status).toBe(200);
    await stack.gatehouse.telemetry.flush();
    const traces = await call<{ data: { metadata: Record<string, string> }[] }>(
      stack.url,
      'GET',
      '/api/traces',
      {
        key,
      },
    );
    expect(traces.body.data[0]?.metadata).toEqual({ team: 'search', env: 'staging' });
  });
});

describe('admin keys and roles', () => {
  let tenantId: string;
  let projectId: string;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    ({ tenantId, projectId } = await createTenantWithKey(stack.url, 'roles'));
    for (const role of ['admin', 'member', 'viewer']) {
      const created = await call<Created>(stack.url, 'POST', '/api/admin-keys', {
        body: { tenant_id: tenantId, role },
      });
      expect(created.status).toBe(201);
      keys[role] = created.body.key ?? '';
    }
  });

  it('lets an admin manage projects, a member only keys, a viewer only read', async () => {
    const project = (key: string) =>
      call(stack.url, 'POST', '/api/projects', { key, body: { tenant_id: tenantId, name: 'p' } });
    const virtualKey = (key: string) =>
      call(stack.url, 'POST', '/api/keys', { key, body: { project_id: projectId } });
    expect((await project(keys.admin ?? '')).status).toBe(201);
    expect((await project(keys.member ?? '')).status).toBe(403);
    expect((await virtualKey(keys.member ?? '')).status).toBe(201);
    expect((await virtualKey(keys.viewer ?? '')).status).toBe(403);
    expect((await call(stack.url, 'GET', '/api/keys', { key: keys.viewer ?? '' })).status).toBe(200);
    // Tenants are the platform operator's: not even a tenant admin creates one.
    expect(
      (await call(stack.url, 'POST', '/api/tenants', { key: keys.admin ?? '', body: { name: 'x' } })).status,
    ).toBe(403);
  });

  it('keeps admin keys off the data plane', async () => {
    const refused = await chat(keys.admin ?? '');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('admin_key_on_data_plane');
  });
});

describe('bad admin input', () => {
  it.each([
    [{ name: 'x', limits: { rpm: 0 } }, 'limits.rpm'],
    [{ name: 'x', limits: { tpm: -5 } }, 'limits.tpm'],
    [{ name: 'x', limits: { per_user: { max_concurrent: 1.5 } } }, 'limits.per_user.max_concurrent'],
    [{ name: 'x', budgets: [{ period: 'day', max_usd: 0 }] }, 'budgets[0].max_usd'],
    [{ name: 'x', budgets: [{ period: 'fortnight', max_usd: 5 }] }, 'budgets[0].period'],
    [{ limits: {} }, 'name'],
  ])('rejects %j naming %s', async (body, param) => {
    const reply = await call<{ error: { param: string; type: string } }>(stack.url, 'POST', '/api/tenants', {
      body,
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error).toMatchObject({ param, type: 'invalid_request_error' });
  });

  it('rejects an unknown role', async () => {
    const { tenantId } = await createTenantWithKey(stack.url, 'bad-role');
    const reply = await call<{ error: { param: string } }>(stack.url, 'POST', '/api/admin-keys', {
      body: { tenant_id: tenantId, role: 'owner' },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.param).toBe('role');
  });
});

describe('audit log', () => {
  it('records who changed what, with before and after', async () => {
    const { projectId } = await createTenantWithKey(stack.url, 'audited');
    await call(stack.url, 'PATCH', `/api/projects/${projectId}`, { body: { limits: { rpm: 50 } } });
    const log = await call<{
      data: { action: string; actor: string; before: { limits: object }; after: { limits: object } }[];
    }>(stack.url, 'GET', `/api/audit?target_id=${projectId}`);
    expect(log.body.data.map((entry) => entry.action)).toEqual(['project.update', 'project.create']);
    expect(log.body.data[0]).toMatchObject({
      actor: 'master',
      before: { limits: {} },
      after: { limits: { rpm: 50 } },
    });
  });
});

describe('budgets and spend', () => {
  it('refuses with budget_exceeded once spent, and reports spend by key and model', async () => {
    // 'hi' echoed by the mock costs (8 + 7 tokens) × $0.001 = $0.015 a call; reservations assume max_tokens 10.
    const { key, keyId } = await createTenantWithKey(stack.url, 'spender', {
      budgets: [{ period: 'month', max_usd: 0.05, soft_thresholds: [0.5] }],
    });
    const statuses: number[] = [];
    for (let index = 0; index < 6; index += 1) {
      const reply = await chat(key, chatBody('mock', { max_tokens: 10 }));
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(reply.body.error?.code).toBe('budget_exceeded');
        expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    await stack.gatehouse.telemetry.flush();
    const byKey = await call<{ data: { group: string; spend_usd: number; requests: number }[] }>(
      stack.url,
      'GET',
      '/api/spend?group_by=key',
      { key },
    );
    expect(byKey.body.data).toEqual([expect.objectContaining({ group: keyId, requests: 6 })]);
    expect(byKey.body.data[0]?.spend_usd).toBeCloseTo(0.045, 6);
    const threshold = await call<{ data: { action: string; after: { threshold: number } }[] }>(
      stack.url,
      'GET',
      `/api/audit?action=budget.threshold&target_id=${keyId}`,
    );
    expect(threshold.body.data.map((entry) => entry.after.threshold)).toEqual([0.5]);
  });

  it('rejects an unknown group_by naming it', async () => {
    const reply = await call<{ error: { param: string } }>(stack.url, 'GET', '/api/spend?group_by=colour');
    expect(reply.status).toBe(400);
    expect(reply.body.error.param).toBe('group_by');
  });
});
