/**
 * The CLI's client for the admin API. The CLI talks to a running server rather than to the store:
 * then every change is checked, audited and applied on every replica exactly as through the API.
 */
import type { Command } from 'commander';
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

export interface ConnectionOptions {
  url: string;
  apiKey?: string;
}

/** `--url` and `--api-key` on a command. */
export function withConnection(command: Command): Command {
  return command
    .option('--url <url>', 'Gatehouse base URL', process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:4000')
    .option(
      '--api-key <key>',
      'master or admin key (default: env GATEHOUSE_API_KEY, then GATEHOUSE_MASTER_KEY)',
    );
}

export function connectionOf(options: ConnectionOptions): AdminConnection {
  return {
    url: options.url,
    apiKey: options.apiKey ?? process.env.GATEHOUSE_API_KEY ?? process.env.GATEHOUSE_MASTER_KEY,
  };
}

export async function adminRequest<T>(
  connection: AdminConnection,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const text = await adminRequestText(connection, method, path, body);
  return (text === '' ? {} : JSON.parse(text)) as T;
}

/** The response body as text (JSONL exports); errors as `adminRequest`. */
export async function adminRequestText(
  connection: AdminConnection,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<string> {
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
  if (response.statusCode >= 400) {
    let error: { message?: string; param?: string | null } | undefined;
    try {
      error = (JSON.parse(text) as { error?: { message?: string; param?: string | null } }).error;
    } catch {
      error = undefined;
    }
    const param = error?.param ? ` (${error.param})` : '';
    throw new AdminApiError(`${response.statusCode}: ${error?.message ?? text}${param}`, response.statusCode);
  }
  return text;
}
