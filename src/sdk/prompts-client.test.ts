/**
 * The prompt cache's edges, against a scripted registry: a label removed while cached stops being
 * served after its refresh, an outage during a refresh keeps the stale prompt, and a fallback is
 * checked like a push.
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { createHttpClient, GatehouseApiError, type FetchFunction } from './http.js';
import type { PromptVersionBody } from './prompt.js';
import { createPromptsClient } from './prompts-client.js';

const version = (number: number): PromptVersionBody => ({
  name: 'greet',
  type: 'text',
  template: `v${number}: Hello {{name}}`,
  config: { model: 'gpt-4o-mini' },
  variables: [{ name: 'name', type: 'string', required: true }],
  tags: [],
  extraVariables: 'ignore',
  commitMessage: null,
  version: number,
  createdBy: 'test',
  createdAt: 0,
});

function scriptedRegistry() {
  const state = { answer: 'ok' as 'ok' | 'gone' | 'down', version: 1, now: 0 };
  const fetchFunction: FetchFunction = () => {
    if (state.answer === 'down') return Promise.reject(new TypeError('fetch failed'));
    if (state.answer === 'gone') {
      const body = {
        error: { message: 'no label', type: 'not_found_error', code: 'prompt_label_not_found' },
      };
      return Promise.resolve(Response.json(body, { status: 404 }));
    }
    return Promise.resolve(Response.json(version(state.version)));
  };
  const http = createHttpClient({
    baseUrl: 'http://registry',
    apiKey: 'k',
    timeoutMs: 1000,
    fetch: fetchFunction,
  });
  return { state, prompts: createPromptsClient(http, () => state.now) };
}

describe('prompts.get', () => {
  it('stops serving a label that was removed once its refresh says 404', async () => {
    const { state, prompts } = scriptedRegistry();
    expect((await prompts.get('greet')).version).toBe(1);
    state.answer = 'gone';
    state.now = 61_000;
    // Stale: served once more while the refresh runs; the 404 then forgets it.
    expect((await prompts.get('greet')).version).toBe(1);
    await expect
      .poll(() =>
        prompts.get('greet').then(
          () => 'served',
          (error: unknown) => error,
        ),
      )
      .toBeInstanceOf(GatehouseApiError);
  });

  it('keeps serving the stale prompt while the registry is down, and refreshes when it is back', async () => {
    const { state, prompts } = scriptedRegistry();
    await prompts.get('greet');
    state.answer = 'down';
    state.now = 61_000;
    expect((await prompts.get('greet', { fallback: { template: 'fallback' } })).isFallback).toBe(false);
    await expect.poll(async () => (await prompts.get('greet')).version).toBe(1);
    state.answer = 'ok';
    state.version = 2;
    // The failed refresh waits another TTL before asking again.
    state.now = 122_000;
    await prompts.get('greet');
    await expect.poll(async () => (await prompts.get('greet')).version).toBe(2);
  });

  it('checks a fallback template like a push', async () => {
    const { state, prompts } = scriptedRegistry();
    state.answer = 'down';
    await expect(prompts.get('greet', { fallback: { template: 'Hello {{#name}}' } })).rejects.toBeInstanceOf(
      GatewayError,
    );
    const fallback = await prompts.get('greet', { fallback: { template: 'Hello {{name}}' } });
    expect(() => fallback.compile({})).toThrow(/Missing required prompt variable 'name'/);
    expect(() => fallback.toChatRequest({ name: 'Ann' })).toThrow(/no model/);
    expect(fallback.toChatRequest({ name: 'Ann' }, { model: 'gpt-4o-mini' })).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello Ann' }],
    });
  });
});
