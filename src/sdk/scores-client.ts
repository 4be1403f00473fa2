/**
 * `scores.create`: feedback on a trace (the id an observed function runs in, or the gateway's
 * `x-gatehouse-trace-id`) or on a gateway request id (`x-request-id`, `_request_id` in the openai
 * client). A request id whose trace is not stored yet (it is, a flush after the response) is answered
 * with a pending score that Gatehouse attaches to the trace when it lands.
 */
import type { HttpClient } from './http.js';

export interface CreateScoreInput {
  /** 32 hex characters; give this or `requestId`. */
  traceId?: string;
  /** A gateway request id; one you set yourself (`x-request-id`) must be unique to name one request. */
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
  /** Null while pending: the request's trace is not stored yet. */
  traceId: string | null;
  name: string;
  dataType: 'numeric' | 'boolean' | 'categorical';
  value: number | boolean | string;
  source: 'api' | 'annotation' | 'eval';
  comment: string | null;
  createdAt: number;
  /** Set on a pending score (with the request id it will be attached by). */
  pending?: true;
  requestId?: string;
}

export interface ScoresClient {
  /**
   * @example
   * await gatehouse.scores.create({ requestId: completion._request_id, name: 'thumbs_up', value: true });
   */
  create(input: CreateScoreInput): Promise<Score>;
}

export function createScoresClient(http: HttpClient): ScoresClient {
  return {
    create: (input) =>
      http.post<Score>('/api/scores', {
        trace_id: input.traceId,
        request_id: input.requestId,
        name: input.name,
        value: input.value,
        data_type: input.dataType,
        source: input.source,
        comment: input.comment,
      }),
  };
}
