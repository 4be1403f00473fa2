/**
 * `scores.create`: feedback on a trace (the id an observed function runs in, or the gateway's
 * `x-gatehouse-trace-id`) or on a gateway request id (`x-request-id`, `completion._request_id` in the
 * openai client). The replica that answered a request knows its request id at once; another replica
 * learns it when the trace is flushed (~100 ms), so a 404 on a request id is retried for a few seconds
 * before it is reported.
 */
import { GatehouseApiError, type HttpClient } from './http.js';

export interface CreateScoreInput {
  /** 32 hex characters; give this or `requestId`. */
  traceId?: string;
  requestId?: string;
  /** `thumbs_up`, `helpfulness`… (letters, digits, `_ . -`). */
  name: string;
  value: number | boolean | string;
  /** Implied by the value when absent (a string is categorical); `boolean` also takes 0 and 1. */
  dataType?: 'numeric' | 'boolean' | 'categorical';
  source?: 'api' | 'annotation' | 'eval';
  comment?: string;
}

export interface Score {
  id: string;
  traceId: string;
  name: string;
  dataType: 'numeric' | 'boolean' | 'categorical';
  value: number | boolean | string;
  source: 'api' | 'annotation' | 'eval';
  comment: string | null;
  createdAt: number;
}

export interface ScoresClient {
  /**
   * @example
   * await gatehouse.scores.create({ requestId: completion._request_id, name: 'thumbs_up', value: true });
   */
  create(input: CreateScoreInput): Promise<Score>;
}

/** Waits before each retry of a request id not known yet: 1.55 s in all, many flush intervals. */
const requestIdRetryDelaysMs = [50, 100, 200, 400, 800];

export function createScoresClient(
  http: HttpClient,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): ScoresClient {
  return {
    async create(input) {
      const body = {
        trace_id: input.traceId,
        request_id: input.requestId,
        name: input.name,
        value: input.value,
        data_type: input.dataType,
        source: input.source,
        comment: input.comment,
      };
      for (let attempt = 0; ; attempt += 1) {
        try {
          return await http.post<Score>('/api/scores', body);
        } catch (error) {
          const delay = requestIdRetryDelaysMs[attempt];
          const unknownRequest =
            input.requestId !== undefined && error instanceof GatehouseApiError && error.status === 404;
          if (!unknownRequest || delay === undefined) throw error;
          await sleep(delay);
        }
      }
    },
  };
}
