/**
 * Public types of the mock upstream: a FAKE model server for demos, tests and load tests that
 * speaks the OpenAI, Azure OpenAI, Gemini and Anthropic wire formats. Types only.
 */

export interface MockUpstreamOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Delay before every answer's headers (per request: `x-mock-latency-ms`). */
  latencyMs?: number;
  /** Stream pacing in output tokens per second (per request: `x-mock-tokens-per-second`). */
  tokensPerSecond?: number;
  /** Share of API requests, 0..1, answered with `failureStatus` instead of a reply. */
  failureRate?: number;
  /** Status of the random failures (default 500). */
  failureStatus?: number;
  /** Keep every request in `requests` (default true; a load test turns it off to save memory). */
  recordRequests?: boolean;
  /** Seed of the failure-rate PRNG, for reproducible runs; unset uses Math.random. */
  seed?: number;
}

import type { FaultScripts } from './fault-script.js';

/** One request as the mock upstream received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query (`/v1/chat/completions`). */
  path: string;
  /** Query parameters (`api-version`, `alt`…). */
  query: Record<string, string>;
  /** Header names are lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
  /** Epoch ms the request arrived (before its body was read). */
  receivedAt: number;
  /** The fault-script key: `x-mock-target`, else the requested model (undefined for unknown routes). */
  target: string | undefined;
}

export interface MockUpstream {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  port: number;
  /** Requests received so far, oldest first (empty when `recordRequests` is false). */
  requests: RecordedRequest[];
  clearRequests(): void;
  /** Fault scripts per target (also `POST`/`DELETE /__mock/faults`); see fault-script.ts. */
  faults: FaultScripts;
  /** Changes the share of requests answered with `failureStatus`, 0..1 (an outage starting or ending). */
  setFailureRate(rate: number): void;
  /** Stops listening and drops open connections (streams included). */
  close(): Promise<void>;
}
