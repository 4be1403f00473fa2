/**
 * The response cache that makes re-runs free: a chat call's result stored under a hash of everything
 * that shapes the answer (model, messages, parameters). Judge calls go through it too.
 */
import { createHash } from 'node:crypto';
import type { ChatCallRequest, ChatCallResult, ModelClient } from '../model-client.js';

export interface ResponseCacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export function cacheKey(call: ChatCallRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([call.model, call.messages, call.params ?? {}]))
    .digest('hex');
}

interface CachedAnswer {
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number;
}

/**
 * Wraps `client` so a call seen before is answered from `store` at no cost (`cached: true`, cost 0).
 * A cache that fails to read or write degrades to calling the model.
 */
export function withResponseCache(client: ModelClient, store: ResponseCacheStore): ModelClient {
  return {
    embed: (model, texts, signal) => client.embed(model, texts, signal),
    async chat(call, signal): Promise<ChatCallResult> {
      const key = cacheKey(call);
      const hit = await store.get(key).catch(() => undefined);
      if (hit !== undefined) {
        const answer = JSON.parse(hit) as CachedAnswer;
        return { ...answer, cost: 0, cached: true };
      }
      const result = await client.chat(call, signal);
      const stored: CachedAnswer = {
        text: result.text,
        inputTokens: result.inputTokens,
        outputTokens: result.outputTokens,
        latencyMs: result.latencyMs,
      };
      await store.set(key, JSON.stringify(stored)).catch(() => undefined);
      return result;
    },
  };
}
