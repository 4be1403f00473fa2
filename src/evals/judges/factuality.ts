/**
 * Factuality against a reference (OpenAI evals' `fact` template, as Promptfoo uses it): the judge
 * classifies the output as (A) a consistent subset of the reference, (B) a consistent superset,
 * (C) the same details, (D) in disagreement, or (E) different only in ways that do not matter for
 * factuality. Everything but (D) passes.
 */
import { z } from 'zod';
import { askJudge, type Judge, type JudgeAnswer } from './ask-judge.js';

const verdictSchema = z.object({ choice: z.enum(['A', 'B', 'C', 'D', 'E']), reason: z.string() });

export type FactualityVerdict = z.infer<typeof verdictSchema>;

export function gradeFactuality(
  judge: Judge,
  input: { question: string; reference: string; output: string },
  signal: AbortSignal,
): Promise<JudgeAnswer<FactualityVerdict>> {
  const prompt = [
    'You compare the factual content of a submitted answer with an expert answer.',
    `<Question>\n${input.question}\n</Question>`,
    `<Expert>\n${input.reference}\n</Expert>`,
    `<Submission>\n${input.output}\n</Submission>`,
    'Ignore differences in style, grammar or punctuation. Choose one:',
    '(A) The submitted answer is a subset of the expert answer and is fully consistent with it.',
    '(B) The submitted answer is a superset of the expert answer and is fully consistent with it.',
    '(C) The submitted answer contains all the same details as the expert answer.',
    '(D) There is a disagreement between the submitted answer and the expert answer.',
    '(E) The answers differ, but these differences do not matter from the perspective of factuality.',
    'Reply with a JSON object only: {"choice": "A" | "B" | "C" | "D" | "E", "reason": "<why>"}',
  ].join('\n\n');
  return askJudge(judge, prompt, verdictSchema, signal);
}
