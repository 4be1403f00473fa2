/**
 * The RAGAS metrics with a judge: faithfulness, answer relevancy, context precision and context recall
 * (definitions in rag-scores.ts and docs/evals.md). Each judge step answers JSON checked by a schema.
 */
import { z } from 'zod';
import { askJudge, type Judge, type JudgeAnswer } from '../judges/ask-judge.js';
import type { Embedder } from '../model-client.js';
import {
  answerRelevancyScore,
  contextPrecisionScore,
  contextRecallScore,
  faithfulnessScore,
} from './rag-scores.js';

export interface RagVerdict {
  score: number;
  reason: string;
}

const claimsSchema = z.object({ claims: z.array(z.string()) });
const supportSchema = z.object({
  verdicts: z.array(z.object({ claim: z.string(), supported: z.boolean() })),
});
const questionsSchema = z.object({ questions: z.array(z.string()).min(1), noncommittal: z.boolean() });
const usefulSchema = z.object({
  verdicts: z.array(z.object({ useful: z.boolean(), reason: z.string().optional() })),
});
const attributionSchema = z.object({
  statements: z.array(z.object({ statement: z.string(), attributed: z.boolean() })),
});

function numbered(chunks: readonly string[]): string {
  return chunks.map((chunk, index) => `[${index + 1}] ${chunk}`).join('\n');
}

function addCosts(...costs: (number | null)[]): number | null {
  return costs.some((cost) => cost === null)
    ? null
    : costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0);
}

export async function judgeFaithfulness(
  judge: Judge,
  input: { question: string; answer: string; context: readonly string[] },
  signal: AbortSignal,
): Promise<JudgeAnswer<RagVerdict>> {
  const claims = await askJudge(
    judge,
    [
      'Break the answer into standalone factual claims (no pronouns).',
      `<Question>\n${input.question}\n</Question>`,
      `<Answer>\n${input.answer}\n</Answer>`,
      'Reply with a JSON object only: {"claims": ["...", "..."]} (an empty list when the answer makes no claim)',
    ].join('\n\n'),
    claimsSchema,
    signal,
  );
  if (claims.value.claims.length === 0)
    return { value: { score: 1, reason: 'the answer makes no claims' }, cost: claims.cost };
  const support = await askJudge(
    judge,
    [
      'For each claim, say whether the context supports it (it can be inferred from the context alone).',
      `<Context>\n${numbered(input.context)}\n</Context>`,
      `<Claims>\n${numbered(claims.value.claims)}\n</Claims>`,
      'Reply with a JSON object only: {"verdicts": [{"claim": "...", "supported": true | false}]} with one verdict per claim, in order.',
    ].join('\n\n'),
    supportSchema,
    signal,
  );
  const supported = support.value.verdicts.map((verdict) => verdict.supported);
  const unsupported = support.value.verdicts
    .filter((verdict) => !verdict.supported)
    .map((verdict) => verdict.claim);
  return {
    value: {
      score: faithfulnessScore(supported),
      reason:
        unsupported.length === 0
          ? `all ${supported.length} claims are supported by the context`
          : `unsupported: ${unsupported.join('; ')}`,
    },
    cost: addCosts(claims.cost, support.cost),
  };
}

export async function judgeAnswerRelevancy(
  judge: Judge,
  embedder: Embedder,
  input: { question: string; answer: string; questions?: number },
  signal: AbortSignal,
): Promise<JudgeAnswer<RagVerdict>> {
  const count = input.questions ?? 3;
  const generated = await askJudge(
    judge,
    [
      `Write ${count} different questions that the answer below answers. Also say whether the answer is noncommittal (evasive, vague or "I don't know").`,
      `<Answer>\n${input.answer}\n</Answer>`,
      'Reply with a JSON object only: {"questions": ["...", "..."], "noncommittal": true | false}',
    ].join('\n\n'),
    questionsSchema,
    signal,
  );
  const [questionVector, ...generatedVectors] = await embedder.embed(
    [input.question, ...generated.value.questions],
    signal,
  );
  const score = answerRelevancyScore(questionVector ?? [], generatedVectors, generated.value.noncommittal);
  return {
    value: {
      score,
      reason: generated.value.noncommittal
        ? 'the answer is noncommittal'
        : `mean similarity of ${generatedVectors.length} generated questions to the input`,
    },
    cost: generated.cost,
  };
}

export async function judgeContextPrecision(
  judge: Judge,
  input: { question: string; reference: string; context: readonly string[] },
  signal: AbortSignal,
): Promise<JudgeAnswer<RagVerdict>> {
  if (input.context.length === 0) return { value: { score: 0, reason: 'no context was retrieved' }, cost: 0 };
  const verdicts = await askJudge(
    judge,
    [
      'For each retrieved chunk, in order, say whether it was useful in arriving at the reference answer.',
      `<Question>\n${input.question}\n</Question>`,
      `<Reference>\n${input.reference}\n</Reference>`,
      `<Chunks>\n${numbered(input.context)}\n</Chunks>`,
      'Reply with a JSON object only: {"verdicts": [{"useful": true | false, "reason": "..."}]} with one verdict per chunk, in order.',
    ].join('\n\n'),
    usefulSchema,
    signal,
  );
  const useful = input.context.map((_, index) => verdicts.value.verdicts[index]?.useful ?? false);
  return {
    value: {
      score: contextPrecisionScore(useful),
      reason: `useful chunks at ranks ${useful.flatMap((value, index) => (value ? [index + 1] : [])).join(', ') || 'none'}`,
    },
    cost: verdicts.cost,
  };
}

export async function judgeContextRecall(
  judge: Judge,
  input: { question: string; reference: string; context: readonly string[] },
  signal: AbortSignal,
): Promise<JudgeAnswer<RagVerdict>> {
  const attribution = await askJudge(
    judge,
    [
      'Split the reference answer into statements, and say for each whether it can be attributed to the context.',
      `<Question>\n${input.question}\n</Question>`,
      `<Context>\n${numbered(input.context)}\n</Context>`,
      `<Reference>\n${input.reference}\n</Reference>`,
      'Reply with a JSON object only: {"statements": [{"statement": "...", "attributed": true | false}]}',
    ].join('\n\n'),
    attributionSchema,
    signal,
  );
  const attributed = attribution.value.statements.map((statement) => statement.attributed);
  return {
    value: {
      score: contextRecallScore(attributed),
      reason: `${attributed.filter(Boolean).length} of ${attributed.length} reference statements found in the context`,
    },
    cost: attribution.cost,
  };
}
