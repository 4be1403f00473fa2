/**
 * The `guardrails` section of gatehouse.yaml: named policies, each an ordered list of input checks
 * and output checks with an action, and which policy applies where.
 */
import { z } from 'zod';

/** The PII entity types the guardrails detect, named as Presidio names them (src/guardrails/pii). */
export const piiEntityNames = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
  'MAC_ADDRESS',
  'CRYPTO',
  'URL',
  'DATE_TIME',
  'PERSON',
] as const;

const roles = z
  .array(z.enum(['system', 'developer', 'user', 'assistant', 'tool']))
  .min(1)
  .describe(
    'Message roles whose text is checked (`tool` covers retrieved/tool content: indirect injection).',
  );

/** Fields every check has. */
const common = {
  id: z
    .string()
    .regex(/^[a-z0-9_-]+$/)
    .optional()
    .describe('Name of the check in verdicts, headers and `when` (default: its type).'),
  threshold: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('Score at or above which the check fires (default per type).'),
  when: z
    .strictObject({
      check: z.string().describe('Id of an earlier check of the same stage.'),
      min: z.number().min(0).max(1).default(0).describe('Lowest score of that check that runs this one.'),
      max: z.number().min(0).max(1).default(1).describe('Score of that check below which this one runs.'),
    })
    .optional()
    .describe(
      'Cascade: run only when an earlier check scored in [min, max) — when the cheap tier was unsure.',
    ),
  block_reply: z
    .string()
    .optional()
    .describe('With action `block`: answer this text (a normal 200 completion) instead of a 400 error.'),
  fallback_model: z
    .string()
    .optional()
    .describe('With action `fallback` (or `on_fail: fallback`): the model name that answers instead.'),
};

const inputAction = z
  .enum(['block', 'mask', 'flag', 'fallback'])
  .describe('What to do when the check fires.');
const outputAction = z
  .enum(['block', 'mask', 'flag', 'reask', 'fallback'])
  .describe('What to do when the check fires.');

const judgeFields = {
  model: z.string().describe('A configured model name that judges (Llama Guard, or any chat model).'),
  categories: z
    .array(z.string().regex(/^S\d{1,2}$/))
    .optional()
    .describe('Hazard categories enforced, S1–S14 (default all).'),
  detect_injection: z
    .boolean()
    .default(false)
    .describe('Add a "prompt injection / jailbreak" category (the tier 3 of the injection cascade).'),
};

const piiFields = {
  entities: z.array(z.enum(piiEntityNames)).optional().describe('PII types to detect (default all).'),
};

const inputCheck = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('pii'),
    action: inputAction,
    ...common,
    ...piiFields,
    roles: roles.optional(),
    pseudonymize: z
      .boolean()
      .default(true)
      .describe(
        'With `mask`: number placeholders (`<EMAIL_1>`) and restore the originals in the answer; false masks as `<EMAIL>` for good.',
      ),
  }),
  z.strictObject({ type: z.literal('secrets'), action: inputAction, ...common, roles: roles.optional() }),
  z.strictObject({
    type: z.literal('injection'),
    action: inputAction,
    ...common,
    roles: roles.optional(),
    tiers: z
      .array(z.enum(['rules', 'classifier']))
      .min(1)
      .default(['rules', 'classifier'])
      .describe('Tier 1 rules and/or the tier 2 classifier; the score is the higher of the two.'),
  }),
  z.strictObject({
    type: z.literal('llm_judge'),
    action: inputAction,
    ...common,
    ...judgeFields,
    roles: roles.optional(),
  }),
  z.strictObject({
    type: z.literal('topic'),
    action: inputAction,
    ...common,
    roles: roles.optional(),
    allow: z
      .array(z.string().min(1))
      .default([])
      .describe('On-topic terms: text mentioning none of them fires.'),
    deny: z.array(z.string().min(1)).default([]).describe('Banned terms: text mentioning any fires.'),
    allow_topics: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Embedding tier: descriptions of on-topic subjects; text mentioning no `allow` term and not similar to any of them fires (local embedder, ~10–40 ms).',
      ),
    deny_topics: z
      .array(z.string().min(1))
      .default([])
      .describe('Embedding tier: descriptions of banned subjects; text similar to any of them fires.'),
    similarity_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.35)
      .describe(
        'Embedding tier: cosine similarity to a topic description at or above which text is about it.',
      ),
  }),
  z.strictObject({
    type: z.literal('language'),
    action: inputAction,
    ...common,
    roles: roles.optional(),
    allow: z
      .array(z.string().regex(/^[a-z]{2}$/))
      .min(1)
      .describe('Allowed ISO 639-1 codes (`en`, `fr`…).'),
  }),
  z.strictObject({
    type: z.literal('max_tokens'),
    action: inputAction,
    ...common,
    limit: z
      .number()
      .int()
      .positive()
      .describe('Most input tokens (messages and tools, o200k count) allowed.'),
  }),
]);

const outputCheck = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('json'),
    action: outputAction,
    ...common,
    schema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "JSON Schema the answer must match (default: the request's `response_format` schema; without either, only JSON validity).",
      ),
    max_reasks: z
      .number()
      .int()
      .min(0)
      .max(5)
      .default(2)
      .describe('With `reask`: how many times the model is asked again with the validation errors.'),
    on_fail: z
      .enum(['block', 'fallback', 'pass'])
      .default('block')
      .describe('After the re-asks fail: block, fall back to `fallback_model`, or pass the last answer.'),
    only_when_requested: z
      .boolean()
      .default(true)
      .describe(
        'Check only requests that ask for JSON (`response_format` json_object/json_schema) unless the policy gives a schema.',
      ),
  }),
  z.strictObject({ type: z.literal('pii'), action: outputAction, ...common, ...piiFields }),
  z.strictObject({ type: z.literal('secrets'), action: outputAction, ...common }),
  z.strictObject({ type: z.literal('canary'), action: outputAction, ...common }),
  z.strictObject({ type: z.literal('prompt_leak'), action: outputAction, ...common }),
  z.strictObject({
    type: z.literal('toxicity'),
    action: outputAction,
    ...common,
    extra_terms: z.array(z.string().min(1)).default([]).describe('More blocked words or phrases.'),
  }),
  z.strictObject({ type: z.literal('refusal'), action: outputAction, ...common }),
  z.strictObject({
    type: z.literal('grounding'),
    action: outputAction,
    ...common,
    sources: roles
      .default(['tool', 'system'])
      .describe('Messages whose text is the context the answer must be grounded in.'),
  }),
  z.strictObject({ type: z.literal('llm_judge'), action: outputAction, ...common, ...judgeFields }),
]);

export const guardrailPolicySchema = z
  .strictObject({
    review: z
      .enum(['none', 'flagged', 'flagged_and_blocked'])
      .default('flagged')
      .describe(
        'Human review queue: which verdicts are stored (with the text they judged) for labelling — `flag`s, also `block`s, or none.',
      ),
    input: z.array(inputCheck).default([]).describe('Checks on the request, in order, before it is sent.'),
    output: z
      .array(outputCheck)
      .default([])
      .describe('Checks on the answer, in order (on streams: on a sliding window and at the end).'),
    stream_holdback_chars: z
      .number()
      .int()
      .min(0)
      .max(4096)
      .default(64)
      .describe(
        'Streams: characters held back so a violation found in the window is stopped before the client sees it.',
      ),
  })
  .describe('A guardrail policy.');

export const guardrailsSchema = z
  .strictObject({
    policies: z
      .record(z.string().regex(/^[A-Za-z0-9_-]+$/), guardrailPolicySchema)
      .default({})
      .describe('Named policies.'),
    default_policy: z
      .string()
      .optional()
      .describe(
        'Policy for models without their own `guardrails` (and for the API when no policy is named).',
      ),
  })
  .prefault({})
  .describe(
    'Guardrails: input and output checks (PII, secrets, injection, topic, language, JSON, canary, toxicity…).',
  );

export type GuardrailsConfig = z.infer<typeof guardrailsSchema>;
export type GuardrailPolicyConfig = z.infer<typeof guardrailPolicySchema>;
export type InputCheckConfig = z.infer<typeof inputCheck>;
export type OutputCheckConfig = z.infer<typeof outputCheck>;
