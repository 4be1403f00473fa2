/** The items of a run: every test with every prompt on every target, in a stable order and key. */
import type { PromptTemplate, Target, TestCase } from '../suite/test-case.js';

export interface PlannedItem {
  itemKey: string;
  position: number;
  test: TestCase;
  prompt: PromptTemplate;
  target: Target;
}

export function planItems(
  tests: readonly TestCase[],
  prompts: readonly PromptTemplate[],
  targets: readonly Target[],
): PlannedItem[] {
  const items: PlannedItem[] = [];
  for (const test of tests) {
    for (const prompt of prompts) {
      for (const target of targets) {
        items.push({
          itemKey: `${test.key}|${prompt.id}|${target.label}`,
          position: items.length,
          test,
          prompt,
          target,
        });
      }
    }
  }
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.itemKey))
      throw new RangeError(`two items share the key ${item.itemKey}: give tests distinct ids`);
    seen.add(item.itemKey);
  }
  return items;
}
