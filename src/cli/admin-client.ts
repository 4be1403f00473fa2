/**
 * The CLI's client for the admin API. The CLI talks to a running server rather than to the store:
 * then every change is checked, audited and applied on every replica exactly as through the API.
 */
import { request } from 'undici';

export interface AdminConnection {
  url: string;
  apiKey: string | undefined;
}

export class AdminApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

export async function adminRequest<T>(
  connection: AdminConnection,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let response;
  try {
    response = await request(`${connection.url.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        ...(connection.apiKey === undefined ? {} : { authorization: `Bearer ${connection.apiKey}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new AdminApiError(
      `cannot reach Gatehouse at ${connection.url} (${error instanceof Error ? error.message : String(error)}); start it with \`gatehouse serve\` or pass --url`,
      0,
    );
  }
  const text = await response.body.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
  if (response.statusCode >= 400) {
    const error = (parsed as { error?: { message?: string; param?: string | null } }).error;
    const param = error?.param ? ` (${error.param})` : '';
    throw new AdminApiError(`${response.statusCode}: ${error?.message ?? text}${param}`, response.statusCode);
  }
  return parsed as T;
}
