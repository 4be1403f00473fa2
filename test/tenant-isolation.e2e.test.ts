/**
 * Tenant isolation: with tenant B's keys (admin, member, viewer, virtual), every read and write route
 * on tenant A's objects answers 404 — never 403, so B cannot even learn that A's ids exist — and
 * every list B reads holds only B's objects. A's objects are unchanged afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chatBody, createTenantWithKey, type Created } from './helpers/admin-client.js';
import { masterKey, startStack, type Stack } from './helpers/stack.js';

let stack: Stack;
const a = { tenantId: '', projectId: '', keyId: '', key: '', traceId: '', adminKeyId: '', runId: '' };
const bKeys: Record<string, string> = {};
let bTenantId = '';

beforeAll(async () => {
  stack = await startStack({
    providers: [{ id: 'fake', type: 'mock' }],
    models: [{ name: 'mock', targets: [{ provider: 'fake', model: 'mock-1' }] }],
  });
  Object.assign(a, await createTenantWithKey(stack.url, 'tenant-a'));
  const adminKey = await call<Created>(stack.url, 'POST', '/api/admin-keys', {
    body: { tenant_id: a.tenantId, role: 'viewer' },
  });
  a.adminKeyId = adminKey.body.id;
  const promptAuthor = await call<Created>(stack.url, 'POST', '/api/admin-keys', {
    body: { tenant_id: a.tenantId, role: 'member' },
  });
  const pushed = await call(stack.url, 'POST', '/api/prompts', {
    key: promptAuthor.body.key ?? '',
    body: {
      name: 'a-secret',
      template: 'Answer as tenant A.',
      config: { model: 'mock' },
      labels: ['production'],
    },
  });
  if (pushed.status !== 201) throw new Error(`prompt: ${pushed.status} ${JSON.stringify(pushed.body)}`);
  // A's project key keeps a dataset and runs an eval of a prompt of A's project on it, through the API.
  const projectPrompt = await fetch(`${stack.url}/api/prompts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${masterKey}`,
      'content-type': 'application/json',
      'x-gatehouse-tenant': a.tenantId,
      'x-gatehouse-project': a.projectId,
    },
    body: JSON.stringify({
      name: 'a-secret',
      template: 'Answer as tenant A about {{topic}}.',
      labels: ['production'],
    }),
  });
  if (projectPrompt.status !== 201) throw new Error(`project prompt: ${projectPrompt.status}`);
  const dataset = await call(stack.url, 'POST', '/api/datasets', {
    key: a.key,
    body: { name: 'a-golden', items: [{ id: 'one', input: { topic: 'a' } }] },
  });
  if (dataset.status !== 201) throw new Error(`dataset: ${dataset.status} ${JSON.stringify(dataset.body)}`);
  const started = await call<{ id: string }>(stack.url, 'POST', '/api/eval-runs', {
    key: a.key,
    body: {
      dataset: 'a-golden',
      prompts: ['prompt:a-secret'],
      targets: ['mock'],
      assert: [{ type: 'icontains', value: 'tenant A' }],
    },
  });
  if (started.status !== 202) throw new Error(`eval run: ${started.status} ${JSON.stringify(started.body)}`);
  a.runId = started.body.id;
  for (let status = ''; status !== 'completed';) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    status = String((await call(stack.url, 'GET', `/api/eval-runs/${a.runId}`, { key: a.key })).body.status);
    if (status === 'failed') throw new Error('tenant A’s eval run failed');
  }
  const answer = await call(stack.url, 'POST', '/v1/chat/completions', { key: a.key, body: chatBody() });
  a.traceId = answer.headers.get('x-gatehouse-trace-id') ?? '';
  await stack.gatehouse.telemetry.flush();

  const b = await createTenantWithKey(stack.url, 'tenant-b');
  bTenantId = b.tenantId;
  bKeys.virtual = b.key;
  for (const role of ['admin', 'member', 'viewer']) {
    const created = await call<Created>(stack.url, 'POST', '/api/admin-keys', {
      body: { tenant_id: b.tenantId, role },
    });
    bKeys[role] = created.body.key ?? '';
  }
  await call(stack.url, 'POST', '/v1/chat/completions', { key: b.key, body: chatBody() });
  await stack.gatehouse.telemetry.flush();
});
afterAll(() => stack.close());

/** Every route that addresses one of A's objects; `{tenant}` etc. are A's ids, filled in at run time. */
const routes: [string, string, Record<string, unknown>?][] = [
  ['GET', '/api/tenants/{tenant}'],
  ['PATCH', '/api/tenants/{tenant}', { name: 'taken over' }],
  ['DELETE', '/api/tenants/{tenant}'],
  ['GET', '/api/projects/{project}'],
  ['PATCH', '/api/projects/{project}', { limits: { rpm: 1 } }],
  ['DELETE', '/api/projects/{project}'],
  ['POST', '/api/projects', { tenant_id: '{tenant}', name: 'intruder' }],
  ['GET', '/api/keys/{key}'],
  ['PATCH', '/api/keys/{key}', { allowed_models: ['none'] }],
  ['DELETE', '/api/keys/{key}'],
  ['GET', '/api/keys/{adminKey}'],
  ['DELETE', '/api/keys/{adminKey}'],
  ['POST', '/api/keys', { project_id: '{project}' }],
  ['POST', '/api/admin-keys', { tenant_id: '{tenant}', role: 'admin' }],
  ['GET', '/api/traces/{trace}'],
  ['GET', '/api/prompts/a-secret'],
  ['GET', '/api/prompts/a-secret/labels/production'],
  ['GET', '/api/prompts/a-secret/audit'],
  ['GET', '/api/datasets/a-golden'],
  ['GET', '/api/datasets/a-golden/items'],
  ['GET', '/api/datasets/a-golden/export'],
  ['GET', '/api/eval-runs/{run}'],
  ['GET', '/api/eval-runs/{run}/results'],
  ['GET', '/api/eval-runs/{run}/compare?baseline={run}'],
];

/** Writes to A's eval objects: 404 for B's keys that may write evals, 403 for a viewer that may not. */
const evalWrites: [string, string, Record<string, unknown>?][] = [
  ['POST', '/api/datasets/a-golden/items', { items: [{ input: { topic: 'b' } }] }],
  ['DELETE', '/api/datasets/a-golden'],
  ['POST', '/api/datasets/b-copy/from-traces', { trace_ids: ['{trace}'] }],
  ['PUT', '/api/eval-runs/{run}/labels/production'],
  ['POST', '/api/eval-runs/{run}/cancel'],
  ['POST', '/api/eval-runs/{run}/resume', {}],
];

function fill(text: string): string {
  return text
    .replace('{tenant}', a.tenantId)
    .replace('{project}', a.projectId)
    .replace('{key}', a.keyId)
    .replace('{adminKey}', a.adminKeyId)
    .replace('{trace}', a.traceId)
    .replaceAll('{run}', a.runId);
}

describe.each(['admin', 'member', 'viewer', 'virtual'])("tenant B's %s key", (kind) => {
  it.each(routes)('%s %s %j → 404', async (method, path, body) => {
    const reply = await call(stack.url, method, fill(path), {
      key: bKeys[kind] ?? '',
      ...(body === undefined ? {} : { body: JSON.parse(fill(JSON.stringify(body))) as unknown }),
    });
    expect(reply.status).toBe(404);
  });

  it.each(evalWrites)('%s %s %j → 404 (403 for a viewer)', async (method, path, body) => {
    const reply = await call(stack.url, method, fill(path), {
      key: bKeys[kind] ?? '',
      ...(body === undefined ? {} : { body: JSON.parse(fill(JSON.stringify(body))) as unknown }),
    });
    expect(reply.status).toBe(kind === 'viewer' ? 403 : 404);
  });

  it("cannot run evals on tenant A's dataset or prompt", async () => {
    if (kind === 'viewer') return;
    for (const body of [
      { dataset: 'a-golden', prompts: ['{{topic}}'], targets: ['mock'] },
      { suite: { prompts: ['prompt:a-secret'], targets: ['mock'], tests: [{ vars: {} }] } },
    ]) {
      const reply = await call<{ error: { message: string } }>(stack.url, 'POST', '/api/eval-runs', {
        key: bKeys[kind] ?? '',
        body,
      });
      expect(reply.status).toBe(400);
      expect(reply.body.error.message).toMatch(/does not exist/);
    }
  });

  it("lists nothing of tenant A's", async () => {
    for (const path of [
      '/api/tenants',
      '/api/projects',
      '/api/keys',
      '/api/traces',
      '/api/spend?group_by=tenant',
      '/api/audit',
      '/api/datasets',
      '/api/eval-runs',
    ]) {
      const reply = await call(stack.url, 'GET', path, { key: bKeys[kind] ?? '' });
      if (reply.status === 403) continue; // a virtual key may not read configuration at all
      expect(reply.status).toBe(200);
      const text = JSON.stringify(reply.body);
      expect(text).not.toContain(a.tenantId);
      expect(text).not.toContain(a.projectId);
      expect(text).not.toContain(a.keyId);
      expect(text).not.toContain('a-golden');
      expect(text).not.toContain(a.runId);
    }
    const traces = await call<{ data: { tenantId: string }[] }>(stack.url, 'GET', '/api/traces', {
      key: bKeys[kind] ?? '',
    });
    expect(traces.body.data.length).toBeGreaterThan(0);
    expect(traces.body.data.every((trace) => trace.tenantId === bTenantId)).toBe(true);
  });
});

it("leaves tenant A's objects as they were", async () => {
  expect(
    (await call(stack.url, 'POST', '/v1/chat/completions', { key: a.key, body: chatBody() })).status,
  ).toBe(200);
  const project = await call<{ name: string; limits: object; revoked_at: number | null }>(
    stack.url,
    'GET',
    `/api/projects/${a.projectId}`,
  );
  expect(project.body).toMatchObject({ name: 'tenant-a app', limits: {}, revoked_at: null });
  const projects = await call<{ data: { name: string }[] }>(
    stack.url,
    'GET',
    `/api/projects?tenant_id=${a.tenantId}`,
  );
  expect(projects.body.data.map((row) => row.name)).toEqual(['tenant-a app']);
  const dataset = await call<{ latestVersion: number }>(stack.url, 'GET', '/api/datasets/a-golden', {
    key: a.key,
  });
  expect(dataset.body.latestVersion).toBe(1);
  const run = await call<{ status: string; labels: string[]; config: { prompts: unknown[] } }>(
    stack.url,
    'GET',
    `/api/eval-runs/${a.runId}`,
    { key: a.key },
  );
  expect(run.body).toMatchObject({ status: 'completed', labels: [] });
  expect(run.body.config.prompts).toEqual([
    { id: 'a-secret', prompt: 'a-secret', version: 1, label: 'production' },
  ]);
});
