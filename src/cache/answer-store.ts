/**
 * The answer store contract and its key layout. Types and the key codec only; implementations:
 * `memory-answer-store.ts` (one process, LRU bounded in bytes) and `redis-answer-store.ts` (shared by
 * every replica).
 *
 * A key reads `<tenant>:<project>:<route>:<prompt>:<request hash>`, each scope segment
 * percent-encoded (`*`, `?`, `[`, `]`, `:` included), so a purge by any combination of scope fields is
 * one glob pattern and no value can reach into another tenant's keys.
 */
import type { ChatCompletion } from '../providers/canonical.js';

/** The partition an answer belongs to; nothing is ever served across it. */
export interface CacheScope {
  tenant: string;
  project: string;
  /** The resolved route name (`gpt-4o-mini`, `openai/*`). */
  route: string;
  /** The prompt behind the route, when the request came through one; purged when its version changes. */
  prompt: string | null;
}

export interface CachedAnswer {
  completion: ChatCompletion;
  /** Epoch ms the answer was stored (for `max-age`). */
  createdAt: number;
  /** What producing it cost, counted as saved on every hit. */
  origin: {
    provider: string;
    model: string;
    /** From the request's arrival to its last byte. */
    latencyMs: number;
    /** USD, null when the model has no price. */
    cost: number | null;
  };
}

/** Any combination; an empty filter purges everything. */
export interface PurgeFilter {
  tenant?: string;
  project?: string;
  route?: string;
  prompt?: string;
}

export interface AnswerStore {
  readonly kind: 'memory' | 'redis';
  /** The answer, or undefined when absent or expired. Rejects when the store is unreachable. */
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer, ttlMs: number): Promise<void>;
  /** Deletes every answer whose scope matches; resolves to how many were deleted. */
  purge(filter: PurgeFilter): Promise<number>;
  /** Entries and bytes held (null where counting would cost a scan of a shared store). */
  usage(): { entries: number | null; bytes: number | null };
}

// A request that came through no prompt has an empty prompt segment.
const noPrompt = '';

function encodeSegment(value: string): string {
  return encodeURIComponent(value).replace(/\*/g, '%2A');
}

/** The store key of a request's answer. */
export function answerKey(scope: CacheScope, requestHash: string): string {
  return `${scopePrefix(scope)}:${requestHash}`;
}

/** The scope part of a key, which the semantic index also uses to name its partitions. */
export function scopePrefix(scope: CacheScope): string {
  return [scope.tenant, scope.project, scope.route, scope.prompt ?? noPrompt].map(encodeSegment).join(':');
}

/** A glob (Redis `MATCH`) over the keys a purge filter selects. */
export function purgePattern(filter: PurgeFilter): string {
  const segment = (value: string | undefined): string => (value === undefined ? '*' : encodeSegment(value));
  return `${segment(filter.tenant)}:${segment(filter.project)}:${segment(filter.route)}:${segment(filter.prompt)}:*`;
}

const filterFields = ['tenant', 'project', 'route', 'prompt'] as const;

/** Whether a key (or a scope prefix) falls under a purge filter. */
export function keyMatches(key: string, filter: PurgeFilter): boolean {
  const segments = key.split(':', 4);
  return filterFields.every((field, index) => {
    const wanted = filter[field];
    return wanted === undefined || segments[index] === encodeSegment(wanted);
  });
}
