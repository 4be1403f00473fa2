/**
 * An OpenAI-format upstream that sends its first stream chunk, then holds the rest until the test
 * releases it. If the gateway buffered the stream, the client could not see the first chunk before
 * the release: the proof that chunks are forwarded as they arrive, without timing anything.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatedUpstream {
  url: string;
  release(): void;
  /** True if the gate opened by its safety timeout rather than by the test. */
  releasedByTimeout(): boolean;
  /** Resolves when a response's connection closed before the response was complete (the gateway aborted it). */
  abortedResponse: Promise<void>;
  close(): Promise<void>;
}

export async function startGatedUpstream(safetyTimeoutMs = 5000): Promise<GatedUpstream> {
  let open!: () => void;
  let byTimeout = false;
  let aborted!: () => void;
  const abortedResponse = new Promise<void>((resolve) => (aborted = resolve));
  const gate = new Promise<void>((resolve) => (open = resolve));
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-gated',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;

  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.on('close', () => {
        if (!response.writableFinished) aborted();
      });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(chunk({ role: 'assistant', content: 'first' }));
      const timer = setTimeout(() => {
        byTimeout = true;
        open();
      }, safetyTimeoutMs);
      void gate.then(() => {
        clearTimeout(timer);
        response.write(chunk({ content: ' second' }));
        response.write(chunk({}, 'stop'));
        response.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-gated', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } })}\n\n`,
        );
        response.end('data: [DONE]\n\n');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    release: () => open(),
    releasedByTimeout: () => byTimeout,
    abortedResponse,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
