/**
 * The model services grading needs, built once per run (or per online evaluator): the judge of each
 * assertion and the embedder, both calling gateway models through one client.
 */
import type { Judge } from './judges/ask-judge.js';
import type { Embedder, ModelClient } from './model-client.js';
import type { JudgeSpec } from './suite/suite-schema.js';

export interface EvaluationServices {
  judgeFor(spec: JudgeSpec | undefined): Judge | null;
  embedder: Embedder | null;
}

export interface EvaluationServiceOptions {
  client: ModelClient;
  /** Default judge; an assertion's own `judge` wins. */
  judge: JudgeSpec | null;
  /** Gateway embeddings model, or an embedder of its own (a local model). */
  embedder: string | Embedder | null;
}

export function createEvaluationServices(options: EvaluationServiceOptions): EvaluationServices {
  const { client } = options;
  const embedder =
    typeof options.embedder === 'string' ? gatewayEmbedder(client, options.embedder) : options.embedder;
  return {
    judgeFor(spec) {
      const chosen = spec ?? options.judge;
      return chosen === null ? null : { client, model: chosen.model, temperature: chosen.temperature ?? 0 };
    },
    embedder,
  };
}

/** An embedder over a gateway embeddings model (`/v1/embeddings`). */
export function gatewayEmbedder(client: ModelClient, model: string): Embedder {
  return { embed: (texts, signal) => client.embed(model, texts, signal) };
}
