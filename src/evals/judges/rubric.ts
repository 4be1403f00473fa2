/** Rubric grading (Promptfoo's `llm-rubric`): the judge returns a score in [0, 1], pass and a reason. */
import { z } from 'zod';
import { askJudge, type Judge, type JudgeAnswer } from './ask-judge.js';

const verdictSchema = z.object({
  reason: z.string(),
  score: z.number().min(0).max(1),
  pass: z.boolean(),
});

export type RubricVerdict = z.infer<typeof verdictSchema>;

export function gradeRubric(
  judge: Judge,
  input: { rubric: string; output: string; question?: string },
  signal: AbortSignal,
): Promise<JudgeAnswer<RubricVerdict>> {
  const prompt = [
    'You grade an AI output against a rubric. Be strict and literal.',
    `<Rubric>\n${input.rubric}\n</Rubric>`,
    ...(input.question === undefined ? [] : [`<Input>\n${input.question}\n</Input>`]),
    `<Output>\n${input.output}\n</Output>`,
    'Reply with a JSON object only: {"reason": "<one or two sentences>", "score": <0 to 1>, "pass": <true if the output meets the rubric>}',
  ].join('\n\n');
  return askJudge(judge, prompt, verdictSchema, signal);
}
