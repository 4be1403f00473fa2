/**
 * G-Eval (Liu et al., 2023): the judge first turns the criteria into evaluation steps (chain of
 * thought, asked once per criteria and cached by the response cache), then scores the output 1–5
 * following them. The score is normalised to [0, 1] as (score − 1) / 4.
 */
import { z } from 'zod';
import { askJudge, type Judge, type JudgeAnswer } from './ask-judge.js';

const stepsSchema = z.object({ steps: z.array(z.string()).min(1) });
const scoreSchema = z.object({ score: z.number().min(1).max(5), reason: z.string() });

export interface GEvalVerdict {
  /** In [0, 1]. */
  score: number;
  steps: string[];
  reason: string;
}

export async function gradeGEval(
  judge: Judge,
  input: { criteria: string; output: string; question?: string },
  signal: AbortSignal,
): Promise<JudgeAnswer<GEvalVerdict>> {
  const steps = await askJudge(
    judge,
    [
      'You design an evaluation procedure.',
      `<Criteria>\n${input.criteria}\n</Criteria>`,
      'Write 3 to 5 concise evaluation steps a grader should follow to judge an output against these criteria.',
      'Reply with a JSON object only: {"steps": ["...", "..."]}',
    ].join('\n\n'),
    stepsSchema,
    signal,
  );
  const scored = await askJudge(
    judge,
    [
      'You grade an AI output by following evaluation steps.',
      `<Criteria>\n${input.criteria}\n</Criteria>`,
      `<Steps>\n${steps.value.steps.map((step, index) => `${index + 1}. ${step}`).join('\n')}\n</Steps>`,
      ...(input.question === undefined ? [] : [`<Input>\n${input.question}\n</Input>`]),
      `<Output>\n${input.output}\n</Output>`,
      'Reply with a JSON object only: {"score": <integer 1 (worst) to 5 (best)>, "reason": "<why>"}',
    ].join('\n\n'),
    scoreSchema,
    signal,
  );
  return {
    value: { score: (scored.value.score - 1) / 4, steps: steps.value.steps, reason: scored.value.reason },
    cost: steps.cost === null || scored.cost === null ? null : steps.cost + scored.cost,
  };
}
