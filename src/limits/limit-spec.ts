/**
 * What a limit or budget setting looks like, wherever it is set (tenant, project or key): validated
 * by the admin API with these schemas, so zero or negative limits are rejected naming the field.
 */
import { z } from 'zod';

const positiveInteger = z.number().int('must be an integer').positive('must be greater than 0');

export const rateLimitsSchema = z.strictObject({
  rpm: positiveInteger.optional().describe('Requests per minute (sliding window).'),
  tpm: positiveInteger
    .optional()
    .describe('Tokens per minute: input estimated at admission, reconciled with real usage after.'),
  max_concurrent: positiveInteger.optional().describe('Requests in flight at once.'),
});
export type RateLimits = z.infer<typeof rateLimitsSchema>;

export const limitSpecSchema = rateLimitsSchema.extend({
  per_user: rateLimitsSchema.optional().describe('Limits for each end user (the request `user` field).'),
  models: z
    .record(z.string().min(1), rateLimitsSchema)
    .optional()
    .describe('Limits for requests to one model name (as the client sends it).'),
});
export type LimitSpec = z.infer<typeof limitSpecSchema>;

export const budgetPeriods = ['day', 'week', 'month', 'total'] as const;
export type BudgetPeriod = (typeof budgetPeriods)[number];

export const budgetSpecSchema = z.strictObject({
  period: z.enum(budgetPeriods),
  max_usd: z.number().positive('must be greater than 0'),
  soft_thresholds: z
    .array(z.number().gt(0, 'must be above 0').lt(1, 'must be below 1'))
    .default([0.8])
    .describe('Fractions of max_usd that fire a webhook and an audit event when spend crosses them.'),
});
export type BudgetSpec = z.infer<typeof budgetSpecSchema>;
export const budgetsSchema = z.array(budgetSpecSchema).max(8);
