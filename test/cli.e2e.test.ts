/**
 * The `gatehouse` command as a user runs it: version and help, a clear error for a bad config, the
 * loopback rule, and a SIGTERM that drains an in-flight stream and the telemetry buffer, then exits 0.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { openDatabase } from '../src/storage/database.js';
import { createTraceRepository } from '../src/storage/trace-repository.js';

const cli = ['--import', 'tsx', 'src/cli/main.ts'];
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [...cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });

describe('gatehouse CLI', () => {
  // Five CLI start-ups in a row: each takes seconds on a loaded CI machine.
  it('prints its version and help', { timeout: 120_000 }, () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run(['--version']).stdout.trim()).toBe(version);
    const help = run(['--help']).stdout;
    expect(help).toContain('serve');
    expect(help).toContain('mock-upstream');
    expect(run(['serve', '--help']).stdout).toContain('--config');
    expect(run(['mock-upstream', '--help']).stdout).toContain('--port');
  });

  it('exits 2 naming the path of a config error', () => {
    const directory = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    const config = join(directory, 'gatehouse.yaml');
    writeFileSync(config, 'providers:\n  - id: x\n    type: nope\n');
    const result = run(['serve', '--config', config]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('providers.0.type');
  });

  it('refuses a non-loopback host without a master key', () => {
    const result = run(['serve', '--host', '0.0.0.0', '--port', '0'], {
      GATEHOUSE_CONFIG: '',
      GATEHOUSE_MASTER_KEY: '',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/refusing to listen on 0\.0\.0\.0/);
  });

  it('on SIGTERM finishes the in-flight stream, flushes telemetry and exits 0', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'));
    const database = join(directory, 'gatehouse.db');
    const config = join(directory, 'gatehouse.yaml');
    writeFileSync(
      config,
      [
        'providers:',
        '  - { id: slow-mock, type: mock, mock: { tokens_per_second: 40 } }',
        'models:',
        '  - { name: slow, targets: [{ provider: slow-mock, model: mock-1 }] }',
        `storage: { database_url: "${database}" }`,
        'telemetry: { flush_interval_ms: 60000 }',
      ].join('\n'),
    );
    const port = 43_000 + Math.floor(Math.random() * 1000);
    const server = spawn(process.execPath, [...cli, 'serve', '--config', config, '--port', String(port)], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    try {
      await waitForHealth(port, server);
      const response = await request(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'slow',
          stream: true,
          messages: [{ role: 'user', content: 'one two three four five six seven eight' }],
        }),
      });
      const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
      let body = '';
      let signalled = false;
      for await (const chunk of response.body) {
        body += String(chunk);
        if (!signalled) {
          signalled = true;
          server.kill('SIGTERM');
        }
      }
      expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
      expect(await exited).toBe(0);

      const store = await openDatabase(database);
      try {
        const page = await createTraceRepository(store).listTraces({ limit: 10 });
        expect(page.data).toHaveLength(1);
        expect(page.data[0]).toMatchObject({ model: 'slow', status: 'ok', stream: true });
      } finally {
        await store.close();
      }
    } finally {
      server.kill('SIGKILL');
    }
  });
});

async function waitForHealth(port: number, server: ChildProcessWithoutNullStreams): Promise<void> {
  let stderr = '';
  server.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  for (let attempt = 0; attempt < 150; attempt++) {
    if (server.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const response = await request(`http://127.0.0.1:${port}/health`);
      await response.body.dump();
      if (response.statusCode === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server did not start: ${stderr}`);
}
