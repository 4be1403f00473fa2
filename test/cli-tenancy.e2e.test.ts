/** `gatehouse tenants|projects|keys` against a running server, as an operator uses them. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, chatBody } from './helpers/admin-client.js';
import { masterKey, startStack, type Stack } from './helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    providers: [{ id: 'fake', type: 'mock' }],
    models: [{ name: 'mock', targets: [{ provider: 'fake', model: 'mock-1' }] }],
  });
});
afterAll(() => stack.close());

/** Runs the CLI without blocking this process's event loop (the server under test lives here). */
function gatehouse(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, GATEHOUSE_URL: stack.url, GATEHOUSE_MASTER_KEY: masterKey },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('gatehouse tenants, projects and keys', { timeout: 180_000 }, () => {
  it('creates, lists and revokes through the admin API', async () => {
    const tenant = await gatehouse('tenants', 'create', '--name', 'Acme', '--budget', '50:month');
    expect(tenant.code).toBe(0);
    const tenantId = (JSON.parse(tenant.stdout) as { id: string }).id;

    const project = await gatehouse(
      'projects',
      'create',
      '--tenant',
      tenantId,
      '--name',
      'search',
      '--rpm',
      '600',
    );
    const projectId = (JSON.parse(project.stdout) as { id: string; limits: object }).id;
    expect(JSON.parse(project.stdout)).toMatchObject({ limits: { rpm: 600 } });

    const created = await gatehouse(
      'keys',
      'create',
      '--project',
      projectId,
      '--name',
      'ci',
      '--models',
      'mock',
      '--metadata',
      'team=search',
    );
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; allowed_models: string[] };
    expect(key.allowed_models).toEqual(['mock']);
    expect(
      (await call(stack.url, 'POST', '/v1/chat/completions', { key: key.key, body: chatBody() })).status,
    ).toBe(200);

    const listed = await gatehouse('keys', 'list', '--project', projectId);
    expect(listed.stdout).toContain(key.id);
    expect(listed.stdout).not.toContain(key.key);

    expect((await gatehouse('keys', 'revoke', key.id)).code).toBe(0);
    expect(
      (await call(stack.url, 'POST', '/v1/chat/completions', { key: key.key, body: chatBody() })).status,
    ).toBe(401);

    const admin = await gatehouse('keys', 'create', '--tenant', tenantId, '--role', 'viewer');
    expect(JSON.parse(admin.stdout)).toMatchObject({ object: 'admin_key', role: 'viewer' });
    expect((await gatehouse('tenants', 'list')).stdout).toContain('Acme');
  });

  it('exits 1 with the server message for bad input', async () => {
    const result = await gatehouse('projects', 'create', '--tenant', 'ten_missing', '--name', 'x');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('404');
    expect(result.stderr).toContain('tenant_id');
    const zero = await gatehouse('tenants', 'create', '--name', 'x', '--rpm', '0');
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toContain('above 0');
  });
});
