/** A test case as the runner sees it: defaults merged, context normalised, a stable key. */
import type { AssertionSpec } from './suite-schema.js';

export interface TestCase {
  /** Pairs results across runs: the test's `id`, the dataset item's id, or its 1-based position. */
  key: string;
  description?: string;
  vars: Record<string, unknown>;
  expected?: string;
  context?: string[];
  assert: AssertionSpec[];
  threshold?: number;
  metadata?: Record<string, unknown>;
}

export interface PromptTemplate {
  id: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
}

export interface Target {
  model: string;
  label: string;
  config: Record<string, unknown>;
}
