/** A tiny client for the admin API and the data plane, for tenancy tests. */
import { masterKey } from './stack.js';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown } = {},
): Promise<Reply<T>> {
  const key = options.key === undefined ? masterKey : options.key;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? {} : JSON.parse(text)) as T,
  };
}

export interface Created {
  id: string;
  key?: string;
}

/** Creates a tenant, a project in it and a virtual key in that project; returns their ids and the key. */
export async function createTenantWithKey(
  baseUrl: string,
  name: string,
  keyFields: Record<string, unknown> = {},
): Promise<{ tenantId: string; projectId: string; keyId: string; key: string }> {
  const tenant = await call<Created>(baseUrl, 'POST', '/api/tenants', { body: { name } });
  if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const project = await call<Created>(baseUrl, 'POST', '/api/projects', {
    body: { tenant_id: tenant.body.id, name: `${name} app` },
  });
  if (project.status !== 201) throw new Error(`project: ${project.status} ${JSON.stringify(project.body)}`);
  const key = await call<Created>(baseUrl, 'POST', '/api/keys', {
    body: { project_id: project.body.id, name: `${name} key`, ...keyFields },
  });
  if (key.status !== 201 || key.body.key === undefined)
    throw new Error(`key: ${key.status} ${JSON.stringify(key.body)}`);
  return { tenantId: tenant.body.id, projectId: project.body.id, keyId: key.body.id, key: key.body.key };
}

export const chatBody = (model = 'mock', extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
