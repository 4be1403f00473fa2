/**
 * Guard output: after dispatch, the policy's output checks judge the answer. On a full response:
 * `block` (400 or safe reply), `mask` (answer redacted), `reask` (the model is asked again with the
 * validation errors, up to N times, then `on_fail`), `fallback` (another model answers); an answer set
 * aside to re-ask or fall back stays in the trace as its own attempt. On a stream the windowed checks
 * run on a sliding window while a few characters are held back, and every check runs at the end:
 * `mask` masks the held-back text before it is released; `block`, `reask` and `fallback` end the
 * stream with an error event (bytes already sent cannot be asked again). Last, pseudonyms from input
 * masking are restored in what the client receives.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatMessage } from '../providers/canonical.js';
import { StreamRestorer } from '../guardrails/pii/pseudonymize.js';
import type { OutputCheck } from '../guardrails/policy/check.js';
import type { CompiledPolicy } from '../guardrails/policy/guardrail-policies.js';
import type { GuardrailRun } from '../guardrails/policy/guardrail-run.js';
import { runOutputChecks } from '../guardrails/policy/run-checks.js';
import type { Decision } from '../guardrails/policy/run-checks.js';
import type { Detection, Verdict } from '../guardrails/types.js';
import { StreamMasks } from '../guardrails/output/stream-masks.js';
import { placeholderFor } from '../guardrails/policy/run-checks.js';
import type { Stage } from './compose.js';
import { completedAttemptObservation, type TraceOptions } from './observations.js';
import type { ChatContext, RequestContext } from './context.js';
import { blockedError, recordVerdicts, type VerdictRecording } from './guardrail-records.js';
import type { GuardOptions } from './guard-input.js';
import { routeTo } from './resolve-route.js';

export interface GuardOutputOptions extends GuardOptions {
  /** Sends the (amended) request again: the dispatch stage. */
  redispatch: (context: RequestContext) => Promise<void>;
  /** Prices and content capture, for the attempts whose answers are set aside. */
  trace: TraceOptions;
}

function recording(
  options: GuardOutputOptions,
  policy: CompiledPolicy,
  textOf: () => string,
): VerdictRecording {
  return { sinks: options.sinks, reviewActions: policy.reviewActions, textOf };
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
      recordVerdicts(
        context,
        run,
        outcome.verdicts,
        recording(options, policy, () => text),
      );
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
        setAside(context, response, 'reask', verdict, detection, options);
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
      setAside(context, response, 'fallback', verdict, detection, options);
      routeTo(context, options.router, check.fallbackModel);
      await redispatch(context, options);
      continue;
    }
    if (check.blockReply !== undefined) return replaceAnswers(response, check.blockReply);
    throw blockedError(run, verdict);
  }
}

/** The answer being replaced stays in the trace as its own attempt, with why it was set aside. */
function setAside(
  context: ChatContext,
  response: ChatCompletion,
  reason: 'reask' | 'fallback',
  verdict: Verdict,
  detection: Detection,
  options: GuardOutputOptions,
): void {
  const attempt = context.answeringAttempt;
  if (attempt === null) return;
  const errors = detection.details?.errors;
  context.failedAttempts.push(
    completedAttemptObservation(
      context,
      attempt,
      response,
      {
        discarded: reason,
        check: verdict.check,
        score: verdict.score,
        ...(Array.isArray(errors) ? { validationErrors: errors } : {}),
      },
      options.trace,
    ),
  );
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
  const masks = new StreamMasks();
  /** Chunks not yet released, with the offsets of their text in the answer. */
  const held: HeldChunk[] = [];
  let heldChars = 0;
  let text = '';
  let checkedUpTo = 0;
  // One verdict per check per stream: the first window where it fired, else the final pass.
  const recorded = new Set<string>();
  const verdictRecording = recording(options, policy, () => text);

  const runChecks = async (from: number, final: boolean): Promise<void> => {
    const outcome = await runOutputChecks(
      policy.output,
      { text: text.slice(from), request: context.request, canary: run.canary },
      environment,
      { windowOnly: !final, deferMask: true },
    );
    masks.add(outcome.masks, from, (finding) => placeholderFor(finding, null));
    const fresh = outcome.verdicts.filter(
      (verdict) => !recorded.has(verdict.check) && (final || verdict.triggered),
    );
    for (const verdict of fresh) recorded.add(verdict.check);
    recordVerdicts(context, run, fresh, verdictRecording);
    if (outcome.decision !== null) throw blockedError(run, outcome.decision.verdict);
  };
  const release = (item: HeldChunk): ChatCompletionChunk =>
    restoreChunk(masks.size === 0 ? item.chunk : maskChunk(item, masks, text), restorers, run);

  for await (const chunk of stream) {
    const delta = contentOf(chunk);
    held.push({ chunk, start: text.length });
    text += delta;
    heldChars += delta.length;
    if (windowed && delta !== '') {
      await runChecks(Math.max(0, checkedUpTo - windowOverlap), false);
      checkedUpTo = text.length;
    }
    while (
      held.length > 1 &&
      heldChars - contentOf((held[0] as HeldChunk).chunk).length >= policy.holdbackChars
    ) {
      const released = held.shift() as HeldChunk;
      heldChars -= contentOf(released.chunk).length;
      yield release(released);
    }
  }
  if (policy.output.length > 0) await runChecks(0, true);
  for (const item of held) yield release(item);
}

interface HeldChunk {
  chunk: ChatCompletionChunk;
  /** Offset of the chunk's text in the answer. */
  start: number;
}

/** The chunk with its text masked where the checks found spans (choices' texts in order). */
function maskChunk(item: HeldChunk, masks: StreamMasks, text: string): ChatCompletionChunk {
  let offset = item.start;
  const choices = item.chunk.choices.map((choice) => {
    const content = choice.delta.content;
    if (typeof content !== 'string' || content === '') return choice;
    const masked = masks.apply(text, offset, offset + content.length);
    offset += content.length;
    return masked === content ? choice : { ...choice, delta: { ...choice.delta, content: masked } };
  });
  return { ...item.chunk, choices };
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
