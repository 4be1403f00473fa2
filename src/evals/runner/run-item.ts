/**
 * One item: render the prompt with the test's vars, call the target through the gateway, grade the
 * output. A failed or timed-out call is the item's error, never the run's.
 */
import type { EvaluationServices } from '../evaluation-services.js';
import { gradeTest } from '../grading/grade-test.js';
import type { ChatMessage, ModelClient } from '../model-client.js';
import type { ItemResult } from '../records.js';
import { renderTemplate } from '../template.js';
import { renderTemplate as renderRegistryTemplate } from '../../prompts/template.js';
import type { ChatMessage as CanonicalMessage } from '../../providers/canonical.js';
import { isInlinePrompt, type PromptTemplate, type TestCase } from '../suite/test-case.js';
import type { PlannedItem } from './run-plan.js';

export interface ItemServices extends EvaluationServices {
  client: ModelClient;
}

export async function runItem(
  item: PlannedItem,
  services: ItemServices,
  signal: AbortSignal,
): Promise<ItemResult> {
  const { test, prompt, target } = item;
  let messages: ChatMessage[];
  try {
    messages = renderPrompt(prompt, templateVars(test));
  } catch (error) {
    // A registry prompt refuses a missing or mistyped variable: that item's error, not the run's.
    return failedResult(item, (error as Error).message);
  }
  const params = isInlinePrompt(prompt) ? target.config : { ...prompt.params, ...target.config };
  let call;
  try {
    call = await services.client.chat({ model: target.model, messages, params, purpose: 'target' }, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return failedResult(item, (error as Error).message);
  }
  const grade = await gradeTest({
    output: call.text,
    test,
    question: questionOf(test.vars, messages),
    latencyMs: call.latencyMs,
    cost: call.cost,
    judgeFor: (spec) => services.judgeFor(spec),
    embedder: services.embedder,
    signal,
  });
  const judgeCosts = grade.assertions.map((assertion) => assertion.cost ?? 0);
  const unknownCost = call.cost === null || grade.assertions.some((assertion) => assertion.cost === null);
  return {
    ...identify(item),
    output: call.text,
    error: grade.error ?? null,
    pass: grade.pass,
    score: grade.score,
    latencyMs: call.latencyMs,
    cost: unknownCost ? null : (call.cost ?? 0) + judgeCosts.reduce((sum, cost) => sum + cost, 0),
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    cached: call.cached,
    assertions: grade.assertions,
  };
}

/**
 * Inline prompts render with the suite's `{{var}}` templates; registry prompts with the registry's
 * (mustache, includes, declared variables checked), given `context` and `expected` only when the
 * version declares them (a version that rejects undeclared variables would refuse them).
 */
function renderPrompt(prompt: PromptTemplate, vars: Record<string, unknown>): ChatMessage[] {
  if (isInlinePrompt(prompt)) {
    return prompt.messages.map((message) => ({
      role: message.role,
      content: renderTemplate(message.content, vars),
    }));
  }
  const declared = new Set(prompt.render.variables.map((variable) => variable.name));
  const values = Object.fromEntries(
    Object.entries(vars).filter(
      ([name]) => declared.has(name) || (name !== 'context' && name !== 'expected'),
    ),
  );
  return renderRegistryTemplate(prompt.render, values).map((message) => ({
    role: message.role === 'user' || message.role === 'assistant' ? message.role : 'system',
    content: messageText(message.content),
  }));
}

function messageText(content: CanonicalMessage['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');
}

/**
 * What prompt templates see: the test's vars, plus `context` (the chunks, blank-line separated) and
 * `expected` when no var of that name exists, so a dataset item's context can go into the prompt.
 */
function templateVars(test: TestCase): Record<string, unknown> {
  return {
    ...(test.context === undefined ? {} : { context: test.context.join('\n\n') }),
    ...(test.expected === undefined ? {} : { expected: test.expected }),
    ...test.vars,
  };
}

/** The user's question for judges: a `query`, `question` or `input` var, else the last user message. */
function questionOf(vars: Readonly<Record<string, unknown>>, messages: readonly ChatMessage[]): string {
  for (const name of ['query', 'question', 'input']) {
    const value = vars[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
}

/** An item with no output: the call failed or the deadline passed. */
export function failedResult(item: PlannedItem, error: string): ItemResult {
  return {
    ...identify(item),
    output: null,
    error,
    pass: false,
    score: 0,
    latencyMs: null,
    cost: null,
    inputTokens: null,
    outputTokens: null,
    cached: false,
    assertions: [],
  };
}

function identify(
  item: PlannedItem,
): Pick<ItemResult, 'itemKey' | 'position' | 'testKey' | 'promptId' | 'target' | 'description' | 'vars'> {
  return {
    itemKey: item.itemKey,
    position: item.position,
    testKey: item.test.key,
    promptId: item.prompt.id,
    target: item.target.label,
    description: item.test.description ?? null,
    vars: item.test.vars,
  };
}
