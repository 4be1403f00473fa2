/**
 * Every assertion type a suite may use (Promptfoo's names where Promptfoo has one), and the aliases
 * accepted so Promptfoo suites port by renaming little. Any type may be negated with `not-`.
 */
export const assertionTypes = [
  'equals',
  'contains',
  'icontains',
  'contains-any',
  'icontains-any',
  'contains-all',
  'icontains-all',
  'regex',
  'starts-with',
  'is-json',
  'length',
  'levenshtein',
  'bleu',
  'rouge-1',
  'rouge-2',
  'rouge-l',
  'rouge-lsum',
  'similar',
  'latency',
  'cost',
  'is-refusal',
  'javascript',
  'llm-rubric',
  'g-eval',
  'factuality',
  'pairwise',
  'faithfulness',
  'answer-relevancy',
  'context-precision',
  'context-recall',
] as const;

export type AssertionType = (typeof assertionTypes)[number];

export const assertionAliases: Readonly<Record<string, AssertionType>> = {
  'rouge-n': 'rouge-1',
  'context-faithfulness': 'faithfulness',
  'answer-relevance': 'answer-relevancy',
  'model-graded-factuality': 'factuality',
  'model-graded-closedqa': 'llm-rubric',
};

export interface ParsedAssertionType {
  type: AssertionType;
  negated: boolean;
}

/** `not-contains` → { type: 'contains', negated: true }; undefined for an unknown type. */
export function parseAssertionType(name: string): ParsedAssertionType | undefined {
  const negated = name.startsWith('not-');
  const bare = negated ? name.slice(4) : name;
  const type = (assertionTypes as readonly string[]).includes(bare)
    ? (bare as AssertionType)
    : assertionAliases[bare];
  return type === undefined ? undefined : { type, negated };
}
