/** `/ready` is honest about telemetry: a stuck writer or a full queue makes the gateway unready. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { BulkWriterStats } from '../../telemetry/bulk-writer.js';
import { registerHealthRoutes } from './health.js';

const healthy: BulkWriterStats = {
  queued: 0,
  written: 10,
  dropped: 0,
  failedWrites: 0,
  lastError: null,
  maxQueue: 100,
  stalledMs: 0,
};

async function ready(stats: BulkWriterStats) {
  const app = Fastify();
  registerHealthRoutes(app, {
    pingStore: () => Promise.resolve(),
    pingRedis: null,
    limits: () => ({ store: 'memory', policy: 'fail_open', healthy: true, failures: 0, last_error: null }),
    keys: () => 0,
    telemetry: () => stats,
    telemetryStallLimitMs: 30_000,
    config: { source: null, providers: 1, models: 1 },
  });
  const response = await app.inject({ method: 'GET', url: '/ready' });
  await app.close();
  return {
    status: response.statusCode,
    body: response.json<{ telemetry: { status: string; error?: string } }>(),
  };
}

describe('/ready and the telemetry writer', () => {
  it('is ready while telemetry flows', async () => {
    expect(await ready(healthy)).toMatchObject({ status: 200, body: { telemetry: { status: 'ok' } } });
  });

  it('fails when events have waited past the stall limit with no write succeeding', async () => {
    const { status, body } = await ready({
      ...healthy,
      queued: 12,
      stalledMs: 45_000,
      failedWrites: 9,
      lastError: 'connection refused',
    });
    expect(status).toBe(503);
    expect(body.telemetry.error).toMatch(
      /stored nothing for 45 s with 12 events waiting.*connection refused/,
    );
  });

  it('fails when the queue is at its bound and new traces drop old ones', async () => {
    const { status, body } = await ready({ ...healthy, queued: 100, dropped: 7, stalledMs: 10 });
    expect(status).toBe(503);
    expect(body.telemetry.error).toMatch(/queue is full/);
  });
});
