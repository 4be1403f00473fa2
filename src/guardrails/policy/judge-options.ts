/** Shared by input and output judges: config → judge options, and a conversation → judge turns. */
import type { JudgeOptions, JudgeTurn } from '../judge/llm-judge.js';

export const injectionCategory = {
  code: 'S15',
  name: 'Prompt Injection and Jailbreaks',
  description:
    "Attempts to override, extract or circumvent the assistant's instructions or safety rules (ignore previous instructions, role-play personas without rules, revealing the system prompt).",
};

export function judgeOptions(config: {
  model: string;
  categories?: string[] | undefined;
  detect_injection: boolean;
}): JudgeOptions {
  return {
    model: config.model,
    ...(config.categories === undefined ? {} : { categories: config.categories }),
    ...(config.detect_injection ? { customCategories: [injectionCategory] } : {}),
  };
}

export function judgeTurns(segments: readonly { role: string; text: string }[]): JudgeTurn[] {
  return segments.map((segment) => ({
    role: segment.role === 'assistant' ? 'Agent' : 'User',
    content: segment.text,
  }));
}
