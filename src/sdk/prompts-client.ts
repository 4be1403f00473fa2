/**
 * `prompts.get`: the registry's versions in the app's memory. A label's answer is fresh for
 * `cacheTtlSeconds`; after that the stale prompt is returned at once while one background request
 * refreshes it (stale-while-revalidate), and keeps being served if the registry is down. A version
 * number is immutable, so it is fetched once. Concurrent gets of the same prompt share one request.
 *
 * The code-level `fallback` is used only when the registry is unreachable (network error, timeout,
 * 5xx) and nothing is cached. A 404 — an unknown prompt, a label pointing nowhere — is an error,
 * never a fallback: serving a default there would hide a broken deployment.
 */
import { collectIncludes, type ComposableVersion } from '../prompts/includes.js';
import { defaultLabel, type PromptReference } from '../prompts/reference.js';
import { analyzeTemplate } from '../prompts/template.js';
import { GatehouseApiError, GatehouseUnreachableError, type HttpClient } from './http.js';
import {
  promptFromFallback,
  promptFromVersion,
  type GatehousePrompt,
  type PromptFallback,
  type PromptVersionBody,
} from './prompt.js';

export interface GetPromptOptions {
  /** The label to serve (default `production`); ignored when `version` is given. */
  label?: string;
  /** An exact version number. */
  version?: number;
  /** How long a label's answer is fresh (default 60 s); after that it is refreshed in the background. */
  cacheTtlSeconds?: number;
  /** Served only when the registry is unreachable and nothing is cached; never on a 404. */
  fallback?: PromptFallback;
}

/** A prompt to prefetch: its name (label `production`) or a name with label or version. */
export type PrefetchItem = string | { name: string; label?: string; version?: number };

interface CacheEntry {
  prompt: GatehousePrompt;
  fetchedAt: number;
}

export interface PromptsClient {
  /**
   * The prompt a label (or version) points at.
   *
   * @example
   * const prompt = await gatehouse.prompts.get('support-answer', { label: 'production', fallback: { template: 'Answer: {{question}}' } });
   * const messages = prompt.compile({ question: 'Where is my order?' });
   */
  get(name: string, options?: GetPromptOptions): Promise<GatehousePrompt>;
  /** Loads prompts into the cache (at start-up); rejects when one of them cannot be loaded. */
  prefetch(items: PrefetchItem[]): Promise<void>;
  /** Forgets every cached prompt. */
  clear(): void;
}

const defaultTtlSeconds = 60;

export function createPromptsClient(http: HttpClient, now: () => number = Date.now): PromptsClient {
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<GatehousePrompt>>();

  async function fetchVersion(reference: PromptReference): Promise<PromptVersionBody> {
    const name = encodeURIComponent(reference.name);
    const path =
      reference.version !== null
        ? `/api/prompts/${name}/versions/${reference.version}`
        : `/api/prompts/${name}/labels/${encodeURIComponent(reference.label ?? defaultLabel)}`;
    return http.get<PromptVersionBody>(path);
  }

  const composable = (body: PromptVersionBody): ComposableVersion => ({
    ...body,
    includes: analyzeTemplate(body.template).includes,
  });

  async function load(reference: PromptReference): Promise<GatehousePrompt> {
    const body = await fetchVersion(reference);
    const root = composable(body);
    const includes =
      root.includes.length === 0
        ? { partials: {}, variables: root.variables }
        : await collectIncludes(root, async (include) => composable(await fetchVersion(include)), 'template');
    return promptFromVersion(body, reference.label, includes);
  }

  /** One request per key at a time; a success replaces the cached entry. */
  function fetchShared(key: string, reference: PromptReference): Promise<GatehousePrompt> {
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = load(reference)
        .then((prompt) => {
          cache.set(key, { prompt, fetchedAt: now() });
          return prompt;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  }

  /** Background refresh: a 404 forgets the entry (the label moved away), an outage keeps serving it. */
  function refresh(key: string, reference: PromptReference, entry: CacheEntry): void {
    fetchShared(key, reference).catch((error: unknown) => {
      if (cache.get(key) !== entry) return;
      if (error instanceof GatehouseApiError && error.status === 404) cache.delete(key);
      // Wait another TTL before asking an unreachable registry again.
      else entry.fetchedAt = now();
    });
  }

  async function get(name: string, options: GetPromptOptions = {}): Promise<GatehousePrompt> {
    const reference: PromptReference =
      options.version !== undefined
        ? { name, label: null, version: options.version }
        : { name, label: options.label ?? defaultLabel, version: null };
    const key = reference.version !== null ? `${name}@${reference.version}` : `${name}@@${reference.label}`;
    const entry = cache.get(key);
    if (entry !== undefined) {
      const ttlMs = (options.cacheTtlSeconds ?? defaultTtlSeconds) * 1000;
      const stale = reference.version === null && now() - entry.fetchedAt >= ttlMs;
      if (stale && !inFlight.has(key)) refresh(key, reference, entry);
      return entry.prompt;
    }
    try {
      return await fetchShared(key, reference);
    } catch (error) {
      if (error instanceof GatehouseUnreachableError && options.fallback !== undefined) {
        return promptFromFallback(name, reference.label, options.fallback);
      }
      throw error;
    }
  }

  return {
    get,
    async prefetch(items) {
      await Promise.all(
        items.map((item) => {
          if (typeof item === 'string') return get(item);
          const { name, ...options } = item;
          return get(name, options);
        }),
      );
    },
    clear() {
      cache.clear();
    },
  };
}
