/** A local HTTP server that stands in for alert webhooks (generic JSON and Slack) and keeps every delivery. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookDelivery {
  path: string;
  body: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: WebhookDelivery[];
  server: Server;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookDelivery[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

/** Waits (polling every 50 ms) until `condition` holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
