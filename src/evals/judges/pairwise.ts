/**
 * Pairwise preference: which of two answers to the same input is better. Judges favour whichever
 * answer comes first (position bias), so the pair is judged twice with the positions swapped, and the
 * two verdicts are averaged: 1 = the output wins both times, 0.5 = a tie or a split decision, 0 = loses.
 */
import { z } from 'zod';
import { askJudge, type Judge, type JudgeAnswer } from './ask-judge.js';

const verdictSchema = z.object({ winner: z.enum(['A', 'B', 'tie']), reason: z.string() });

export interface PairwiseVerdict {
  /** Preference for `output` over `other`, in [0, 1]. */
  score: number;
  /** The two verdicts, output first as A, then output second as B. */
  reasons: [string, string];
}

export async function judgePairwise(
  judge: Judge,
  input: { question: string; output: string; other: string; criteria?: string },
  signal: AbortSignal,
): Promise<JudgeAnswer<PairwiseVerdict>> {
  const ask = (first: string, second: string) =>
    askJudge(
      judge,
      [
        'You compare two answers to the same input and pick the better one.',
        ...(input.criteria === undefined ? [] : [`<Criteria>\n${input.criteria}\n</Criteria>`]),
        `<Input>\n${input.question}\n</Input>`,
        `<Answer A>\n${first}\n</Answer A>`,
        `<Answer B>\n${second}\n</Answer B>`,
        'Do not let the order of the answers or their length influence you.',
        'Reply with a JSON object only: {"winner": "A" | "B" | "tie", "reason": "<why>"}',
      ].join('\n\n'),
      verdictSchema,
      signal,
    );
  const [asFirst, asSecond] = await Promise.all([
    ask(input.output, input.other),
    ask(input.other, input.output),
  ]);
  const points = (winner: 'A' | 'B' | 'tie', mine: 'A' | 'B'): number =>
    winner === 'tie' ? 0.5 : winner === mine ? 1 : 0;
  return {
    value: {
      score: (points(asFirst.value.winner, 'A') + points(asSecond.value.winner, 'B')) / 2,
      reasons: [asFirst.value.reason, asSecond.value.reason],
    },
    cost: asFirst.cost === null || asSecond.cost === null ? null : asFirst.cost + asSecond.cost,
  };
}
