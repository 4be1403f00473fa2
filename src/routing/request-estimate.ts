/**
 * Token estimates of one request, computed at most once and only when something asks (a context
 * window, a TPM limit, lowest-cost ordering, complexity routing): tokenizing a long prompt costs more
 * than the rest of routing, so a plain single-target model never pays for it.
 */
import type { ChatCompletionRequest, EmbeddingsRequest } from '../providers/canonical.js';
import { countEmbeddingInputTokens, countRequestTokens } from '../usage/count-tokens.js';
import type { PriceCatalog } from '../usage/price-catalog.js';
import type { RoutingTarget } from './target.js';

/** Output tokens assumed when the request sets no `max_tokens`, for cost comparisons. */
const assumedOutputTokens = 256;

export type RoutedRequest =
  { kind: 'chat'; request: ChatCompletionRequest } | { kind: 'embeddings'; request: EmbeddingsRequest };

export class RequestEstimate {
  private prompt: number | undefined;

  constructor(private readonly routed: RoutedRequest) {}

  promptTokens(): number {
    this.prompt ??=
      this.routed.kind === 'chat'
        ? countRequestTokens(this.routed.request)
        : countEmbeddingInputTokens(this.routed.request);
    return this.prompt;
  }

  /** The output the request reserves (`max_completion_tokens` / `max_tokens`), 0 when unset. */
  reservedOutputTokens(): number {
    if (this.routed.kind !== 'chat') return 0;
    return this.routed.request.max_completion_tokens ?? this.routed.request.max_tokens ?? 0;
  }

  /** Tokens the request needs in a context window: the prompt plus the reserved output. */
  contextTokens(): number {
    return this.promptTokens() + this.reservedOutputTokens();
  }

  /** USD this request would cost at `target`; undefined when the price is unknown. */
  cost(target: RoutingTarget, prices: PriceCatalog): number | undefined {
    const price = prices.lookup(target.adapter.id, target.model);
    if (price === undefined) return undefined;
    const output = this.routed.kind === 'chat' ? this.reservedOutputTokens() || assumedOutputTokens : 0;
    return (this.promptTokens() * price.input + output * price.output) / 1_000_000;
  }
}
