/** Everything an assertion may look at, and the model services model-graded assertions use. */
import type { Judge } from '../judges/ask-judge.js';
import type { Embedder } from '../model-client.js';
import type { JudgeSpec } from '../suite/suite-schema.js';
import type { TestCase } from '../suite/test-case.js';

export interface GradingContext {
  output: string;
  test: TestCase;
  /** The user's question: `vars.query`, `vars.question`, `vars.input`, else the last user message. */
  question: string;
  latencyMs: number;
  cost: number | null;
  /** The judge for an assertion (its own `judge`, else the suite's); null when none is configured. */
  judgeFor(spec: JudgeSpec | undefined): Judge | null;
  embedder: Embedder | null;
  signal: AbortSignal;
}
