/** A test case as the runner sees it: defaults merged, context normalised, a stable key. */
import type { PromptReference } from '../../prompts/reference.js';
import type { RenderInput } from '../../prompts/template.js';
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

/** A prompt written in the suite: messages with `{{var}}` placeholders. */
export interface InlinePrompt {
  id: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
}

/** A registry prompt as the suite names it (`prompt:support-answer@production`), not yet pinned. */
export interface RegistryPromptRef {
  id: string;
  reference: PromptReference;
}

export type SuitePrompt = InlinePrompt | RegistryPromptRef;

/** A registry prompt pinned to the exact version one run uses, rendered by the registry's templates. */
export interface PinnedPrompt extends RegistryPromptRef {
  version: number;
  render: RenderInput;
  /** The version's model config (`temperature`, `max_tokens`…) without `model`; the target's config wins. */
  params: Record<string, unknown>;
}

/** What an item runs with. */
export type PromptTemplate = InlinePrompt | PinnedPrompt;

export function isInlinePrompt(prompt: SuitePrompt | PromptTemplate): prompt is InlinePrompt {
  return 'messages' in prompt;
}

export interface Target {
  model: string;
  label: string;
  config: Record<string, unknown>;
}
