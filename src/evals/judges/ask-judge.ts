/**
 * One JSON-enforced judge call: the prompt asks for JSON only, the request sets
 * `response_format: json_object`, and the reply must parse and match a zod schema. An unparseable or
 * off-schema reply is retried with the problem spelled out; after the retries it is a
 * `JudgeOutputError`, which the grader records as that item's error (the run goes on).
 */
import type { z } from 'zod';
import { parseJsonOutput } from '../metrics/json-checks.js';
import type { ChatMessage, ModelClient } from '../model-client.js';

export interface Judge {
  client: ModelClient;
  model: string;
  temperature: number;
  /** Extra tries after an unusable reply (default 2). */
  retries?: number;
}

export class JudgeOutputError extends Error {
  override name = 'JudgeOutputError';
}

export interface JudgeAnswer<T> {
  value: T;
  /** USD spent on the call(s), null when unknown. */
  cost: number | null;
}

export async function askJudge<T>(
  judge: Judge,
  prompt: string,
  schema: z.ZodType<T>,
  signal: AbortSignal,
): Promise<JudgeAnswer<T>> {
  const messages: ChatMessage[] = [{ role: 'user', content: prompt }];
  const tries = 1 + (judge.retries ?? 2);
  let cost: number | null = 0;
  let problem = '';
  for (let attempt = 0; attempt < tries; attempt += 1) {
    const result = await judge.client.chat(
      {
        model: judge.model,
        messages,
        params: { temperature: judge.temperature, response_format: { type: 'json_object' } },
        purpose: 'judge',
      },
      signal,
    );
    cost = cost === null || result.cost === null ? null : cost + result.cost;
    const parsed = parseJsonOutput(result.text);
    if (parsed.ok) {
      const checked = schema.safeParse(parsed.value);
      if (checked.success) return { value: checked.data, cost };
      problem = checked.error.issues
        .map((issue) => `${issue.path.join('.') || 'reply'}: ${issue.message}`)
        .join('; ');
    } else {
      problem = `not JSON (${parsed.error})`;
    }
    messages.push(
      { role: 'assistant', content: result.text },
      {
        role: 'user',
        content: `That reply was unusable: ${problem}. Answer again with the JSON object only.`,
      },
    );
  }
  throw new JudgeOutputError(`judge ${judge.model} gave no usable JSON after ${tries} tries: ${problem}`);
}
