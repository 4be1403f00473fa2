/**
 * Guard output: after dispatch, the policy's output checks judge the answer. On a full response:
 * `block` (400 or safe reply), `mask` (answer redacted), `reask` (the model is asked again with the
 * validation errors, up to N times, then `on_fail`), `fallback` (another model answers). On a stream
 * the windowed checks run on a sliding window while a few characters are held back, and every check
 * runs at the end; a violation ends the stream with an error event (a stream cannot be re-asked).
 * Last, pseudonyms from input masking are restored in what the client receives.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatMessage } from '../providers/canonical.js';
import { StreamRestorer } from '../guardrails/pii/pseudonymize.js';
import type { OutputCheck } from '../guardrails/policy/check.js';
import type { CompiledPolicy } from '../guardrails/policy/guardrail-policies.js';
import type { GuardrailRun } from '../guardrails/policy/guardrail-run.js';
import { runOutputChecks } from '../guardrails/policy/run-checks.js';
import type { Decision } from '../guardrails/policy/run-checks.js';
import type { Stage } from './compose.js';
import type { ChatContext, RequestContext } from './context.js';
import { blockedError, recordVerdicts } from './guardrail-records.js';
import type { GuardOptions } from './guard-input.js';
import { routeTo } from './resolve-route.js';

export interface GuardOutputOptions extends GuardOptions {
  /** Sends the (amended) request again: the dispatch stage. */
  redispatch: (context: RequestContext) => Promise<void>;
}

export const guardOutput = (options: GuardOutputOptions): Stage<RequestContext> =>
  async function guardOutput(context, next) {
    await next();
    if (context.kind !== 'chat' || context.guardrails === null || context.result === null) return;
    const run = context.guardrails;
    const policy = options.policies.get(run.policy);
    if (policy === undefined) return;
    if (context.result.kind === 'response') {
      const response =
        policy.output.length === 0
          ? context.result.response
          : await guardResponse(context, policy, run, options);
      context.result = { kind: 'response', response: restoreResponse(response, run) };
    } else {
      context.result = {
        kind: 'stream',
        stream: guardStream(context, policy, run, context.result.stream, options),
      };
    }
  };

function answerText(message: ChatMessage): string | null {
  return typeof message.content === 'string' ? message.content : null;
}

async function guardResponse(
  context: ChatContext,
  policy: CompiledPolicy,
  run: GuardrailRun,
  options: GuardOutputOptions,
): Promise<ChatCompletion> {
  const environment = { signal: context.signal, complete: options.complete };
  let reasks = 0;
  let fellBack = false;
  for (;;) {
    const result = context.result;
    if (result?.kind !== 'response') throw new Error('a re-asked request must answer with a full response');
    const response = result.response;
    let decision: Decision<OutputCheck> | null = null;
    const choices = [];
    for (const choice of response.choices) {
      const text = answerText(choice.message);
      if (text === null || decision !== null) {
        choices.push(choice);
        continue;
      }
      const outcome = await runOutputChecks(
        policy.output,
        { text, request: context.request, canary: run.canary },
        environment,
      );
      recordVerdicts(context, run, outcome.verdicts);
      decision = outcome.decision;
      choices.push(
        outcome.text === text ? choice : { ...choice, message: { ...choice.message, content: outcome.text } },
      );
    }
    if (decision === null) return { ...response, choices };
    const { check, verdict, detection } = decision;
    let action = check.action;
    if (action === 'reask') {
      if (reasks < check.maxReasks) {
        reasks += 1;
        context.request = {
          ...context.request,
          messages: [...context.request.messages, ...reaskMessages(response, detection.details)],
        };
        await redispatch(context, options);
        continue;
      }
      if (check.onFail === 'pass') return { ...response, choices };
      action = check.onFail;
    }
    if (action === 'fallback' && !fellBack && check.fallbackModel !== undefined) {
      fellBack = true;
      routeTo(context, options.router, check.fallbackModel);
      await redispatch(context, options);
      continue;
    }
    if (check.blockReply !== undefined) return replaceAnswers(response, check.blockReply);
    throw blockedError(run, verdict);
  }
}

async function redispatch(context: ChatContext, options: GuardOutputOptions): Promise<void> {
  context.result = null;
  context.answeringAttempt = null;
  await options.redispatch(context);
}

/** The wrong answer, then what was wrong with it, as the next user turn (Guardrails AI's re-ask). */
function reaskMessages(
  response: ChatCompletion,
  details: Record<string, unknown> | undefined,
): ChatMessage[] {
  const previous = response.choices[0]?.message.content;
  const errors = Array.isArray(details?.errors)
    ? (details.errors as string[])
    : ['the answer did not pass validation'];
  return [
    { role: 'assistant', content: typeof previous === 'string' ? previous : '' },
    {
      role: 'user',
      content: `Your previous answer was invalid:\n- ${errors.join('\n- ')}\nReply again with only the corrected JSON, nothing else.`,
    },
  ];
}

function replaceAnswers(response: ChatCompletion, reply: string): ChatCompletion {
  return {
    ...response,
    choices: response.choices.map((choice) => ({
      ...choice,
      message: { role: 'assistant', content: reply },
      finish_reason: 'content_filter',
    })),
  };
}

function restoreResponse(response: ChatCompletion, run: GuardrailRun): ChatCompletion {
  if (run.vault.size === 0) return response;
  return {
    ...response,
    choices: response.choices.map((choice) => {
      const content = choice.message.content;
      const toolCalls = choice.message.tool_calls?.map((call) => ({
        ...call,
        function: { ...call.function, arguments: run.vault.restore(call.function.arguments) },
      }));
      return {
        ...choice,
        message: {
          ...choice.message,
          ...(typeof content === 'string' ? { content: run.vault.restore(content) } : {}),
          ...(toolCalls === undefined ? {} : { tool_calls: toolCalls }),
        },
      };
    }),
  };
}

/** Characters of already-released text kept in each window, so a match across the boundary is seen. */
const windowOverlap = 256;

async function* guardStream(
  context: ChatContext,
  policy: CompiledPolicy,
  run: GuardrailRun,
  stream: AsyncIterable<ChatCompletionChunk>,
  options: GuardOutputOptions,
): AsyncGenerator<ChatCompletionChunk> {
  const environment = { signal: context.signal, complete: options.complete };
  const windowed = policy.output.some((check) => check.windowed);
  const restorers = new Map<number, StreamRestorer>();
  const held: ChatCompletionChunk[] = [];
  let heldChars = 0;
  let text = '';
  let checkedUpTo = 0;

  const stopIfViolated = async (subjectText: string, windowOnly: boolean): Promise<void> => {
    const outcome = await runOutputChecks(
      policy.output,
      { text: subjectText, request: context.request, canary: run.canary },
      environment,
      { windowOnly },
    );
    const decision = outcome.decision;
    // Only the verdicts that fired are recorded per window; the final pass records them all.
    recordVerdicts(
      context,
      run,
      windowOnly ? outcome.verdicts.filter((verdict) => verdict.triggered) : outcome.verdicts,
    );
    if (decision !== null) throw blockedError(run, decision.verdict);
  };

  for await (const chunk of stream) {
    const delta = contentOf(chunk);
    text += delta;
    held.push(chunk);
    heldChars += delta.length;
    if (windowed && delta !== '') {
      await stopIfViolated(text.slice(Math.max(0, checkedUpTo - windowOverlap)), true);
      checkedUpTo = text.length;
    }
    while (
      held.length > 1 &&
      heldChars - contentOf(held[0] as ChatCompletionChunk).length >= policy.holdbackChars
    ) {
      const released = held.shift() as ChatCompletionChunk;
      heldChars -= contentOf(released).length;
      yield restoreChunk(released, restorers, run);
    }
  }
  if (policy.output.length > 0) await stopIfViolated(text, false);
  for (const chunk of held) yield restoreChunk(chunk, restorers, run);
}

function contentOf(chunk: ChatCompletionChunk): string {
  let text = '';
  for (const choice of chunk.choices)
    if (typeof choice.delta.content === 'string') text += choice.delta.content;
  return text;
}

/** Restores pseudonyms in a chunk; a placeholder cut in two is completed by a later chunk. */
function restoreChunk(
  chunk: ChatCompletionChunk,
  restorers: Map<number, StreamRestorer>,
  run: GuardrailRun,
): ChatCompletionChunk {
  if (run.vault.size === 0) return chunk;
  const choices = chunk.choices.map((choice) => {
    let restorer = restorers.get(choice.index);
    if (restorer === undefined) {
      restorer = new StreamRestorer(run.vault);
      restorers.set(choice.index, restorer);
    }
    const content = choice.delta.content;
    let restored = typeof content === 'string' ? restorer.push(content) : undefined;
    if (choice.finish_reason != null) restored = (restored ?? '') + restorer.flush();
    return restored === undefined ? choice : { ...choice, delta: { ...choice.delta, content: restored } };
  });
  return { ...chunk, choices };
}
