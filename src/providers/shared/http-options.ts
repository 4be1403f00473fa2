/** The `UpstreamHttp` options every adapter derives the same way from its provider config. */
import type { ProviderConfig } from '../../config/schema.js';
import type { UpstreamHttpOptions } from './http.js';

export function httpOptionsFromConfig(
  config: ProviderConfig,
  wire: { baseUrl: string; headers?: Record<string, string>; query?: Record<string, string> },
): Omit<UpstreamHttpOptions, 'provider'> {
  return {
    baseUrl: wire.baseUrl,
    headers: { ...wire.headers, ...config.headers },
    ...(wire.query === undefined ? {} : { query: wire.query }),
    connections: config.connections,
    connectTimeoutMs: config.timeouts.connect_ms,
    headersTimeoutMs: config.timeouts.first_byte_ms,
    idleTimeoutMs: config.timeouts.idle_ms,
  };
}
