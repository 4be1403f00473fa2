/** An online evaluator: which production traces to sample, how often, and how to score them. */
import { z } from 'zod';
import { suiteAssertionSchema, suiteJudgeSchema } from '../suite/suite-schema.js';

export const onlineEvaluatorInputSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"')
    .describe('Unique name.'),
  filter: z
    .strictObject({
      model: z.string().optional().describe('Only traces of this model.'),
      provider: z.string().optional().describe('Only traces answered by this provider.'),
      status: z.enum(['ok', 'error', 'cancelled']).optional().describe('Only traces with this status.'),
      user: z.string().optional().describe('Only traces of this end user.'),
    })
    .default({})
    .describe('Which traces qualify.'),
  sample_rate: z
    .number()
    .min(0)
    .max(1)
    .describe('Fraction of qualifying traces to score (0–1), chosen by trace id.'),
  assert: z.array(suiteAssertionSchema).min(1).describe('Assertions to score each sampled trace with.'),
  judge: suiteJudgeSchema.optional().describe('Judge of model-graded assertions.'),
  embedder_model: z
    .string()
    .min(1)
    .optional()
    .describe('Embeddings model of `similar` / `answer-relevancy`.'),
  enabled: z.boolean().default(true).describe('Paused evaluators sample nothing.'),
});

export type OnlineEvaluatorInput = z.infer<typeof onlineEvaluatorInputSchema>;

export interface OnlineEvaluator extends OnlineEvaluatorInput {
  id: string;
  /** Traces up to this (start time, id) have been considered. */
  cursor: { time: number; id: string };
  createdAt: number;
}
