/**
 * The eval suite file (YAML), close to Promptfoo's `promptfooconfig.yaml`: `prompts`, `targets` (gateway
 * models; Promptfoo's `providers` is accepted too), `tests` inline or from a file, or `dataset` (a stored
 * dataset), `defaultTest` merged into every test, and `assert` lists with `type`, `value`, `threshold`,
 * `weight` and `metric`. Differences from Promptfoo are listed in docs/evals.md.
 */
import { z } from 'zod';
import { parsePromptReference, promptModelPrefix } from '../../prompts/reference.js';
import { levenshtein } from '../metrics/levenshtein.js';
import { parseAssertionType, assertionTypes } from './assertion-types.js';

const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']).describe('Chat role.'),
  content: z.string().describe('Template text; `{{var}}` is replaced by the test variable.'),
});

const promptSchema = z
  .union([
    z
      .string()
      .min(1)
      .describe(
        'A user message template, or a registry prompt: `prompt:name`, `prompt:name@label`, `prompt:name@7`.',
      ),
    z.strictObject({
      id: z
        .string()
        .min(1)
        .optional()
        .describe('Name of the prompt in reports (default prompt-1, prompt-2…; a registry prompt’s name).'),
      raw: z.string().min(1).optional().describe('A user message template.'),
      messages: z.array(messageSchema).min(1).optional().describe('A chat template.'),
      prompt: z
        .string()
        .min(1)
        .optional()
        .describe('A registry prompt, `name`, `name@label` or `name@7` (a label defaults to production).'),
    }),
  ])
  .superRefine((prompt, context) => {
    if (typeof prompt === 'string') {
      if (prompt.startsWith(promptModelPrefix))
        checkReference(prompt.slice(promptModelPrefix.length), [], context);
      return;
    }
    const given = (['raw', 'messages', 'prompt'] as const).filter((key) => prompt[key] !== undefined);
    if (given.length !== 1) {
      context.addIssue({
        code: 'custom',
        path: [],
        message: 'give exactly one of `raw`, `messages` or `prompt`',
      });
    }
    if (prompt.prompt !== undefined) checkReference(prompt.prompt, ['prompt'], context);
  });

/** A registry reference must parse like the gateway's `prompt:` model reference. */
function checkReference(text: string, path: string[], context: z.RefinementCtx): void {
  if (parsePromptReference(text) === null) {
    context.addIssue({
      code: 'custom',
      path,
      message: `"${text}" is not a prompt reference: use name, name@label (lower case) or name@version`,
    });
  }
}

export const suiteJudgeSchema = z.strictObject({
  model: z.string().min(1).describe('Gateway model that grades.'),
  temperature: z.number().min(0).max(2).optional().describe('Sampling temperature of the judge (default 0).'),
});

export const suiteAssertionSchema = z
  .strictObject({
    type: z.string().describe(`One of ${assertionTypes.join(', ')}; prefix \`not-\` to negate.`),
    value: z.unknown().optional().describe('What to compare with: text, list, schema, rubric, code…'),
    threshold: z
      .number()
      .optional()
      .describe('Pass mark for scored assertions (meaning depends on the type).'),
    weight: z.number().min(0).default(1).describe('Weight in the test score.'),
    metric: z.string().min(1).optional().describe('Name to aggregate this score under in reports.'),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Type-specific options (`stemming: true`).'),
    judge: suiteJudgeSchema.optional().describe('Judge for this assertion only.'),
  })
  .superRefine((assertion, context) => {
    if (parseAssertionType(assertion.type) === undefined) {
      const suggestion = closest(assertion.type.replace(/^not-/, ''));
      context.addIssue({
        code: 'custom',
        path: ['type'],
        message: `unknown assertion type "${assertion.type}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
      });
    }
  });

const testSchema = z.strictObject({
  id: z
    .string()
    .min(1)
    .optional()
    .describe('Stable id; results of two runs pair up by it (default: its position).'),
  description: z.string().optional().describe('Shown in reports.'),
  vars: z.record(z.string(), z.unknown()).default({}).describe('Template variables.'),
  expected: z
    .string()
    .optional()
    .describe('Reference answer (default `value` of reference-based assertions).'),
  context: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .describe('Retrieved chunks, for RAG metrics.'),
  assert: z.array(suiteAssertionSchema).default([]).describe('Checks on the output.'),
  threshold: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe(
      'Pass when the weighted mean score reaches this, instead of requiring every assertion to pass.',
    ),
  metadata: z.record(z.string(), z.unknown()).optional().describe('Kept with the results.'),
});

const targetSchema = z.union([
  z.string().min(1).describe('A gateway model name.'),
  z.strictObject({
    model: z.string().min(1).describe('A gateway model name.'),
    label: z.string().min(1).optional().describe('Name in reports (default the model).'),
    config: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Request fields sent with every call (`temperature`, `max_tokens`…).'),
  }),
]);

export const suiteSchema = z
  .strictObject({
    description: z.string().optional().describe('What the suite checks.'),
    name: z.string().min(1).optional().describe('Name runs are grouped under (default the file name).'),
    prompts: z
      .array(promptSchema)
      .min(1)
      .describe('Prompt templates or registry prompts; every test runs with each.'),
    targets: z.array(targetSchema).min(1).optional().describe('Models under test; every test runs on each.'),
    providers: z.array(targetSchema).min(1).optional().describe('Promptfoo spelling of `targets`.'),
    tests: z
      .union([
        z.array(testSchema),
        z.string().regex(/^file:\/\//, 'use file://path.jsonl or file://path.csv'),
      ])
      .optional()
      .describe('Test cases, or `file://tests.jsonl` / `file://tests.csv`.'),
    dataset: z.string().min(1).optional().describe('A stored dataset, `name` or `name@version`.'),
    defaultTest: testSchema
      .partial()
      .optional()
      .describe('Merged into every test (vars, assert, threshold).'),
    judge: suiteJudgeSchema.optional().describe('Default judge of model-graded assertions.'),
    embedder: z
      .strictObject({ model: z.string().min(1).describe('Gateway embeddings model.') })
      .optional()
      .describe('Embedder of `similar` and `answer-relevancy`.'),
    evaluate: z
      .strictObject({
        concurrency: z.number().int().positive().optional().describe('Calls in flight (default 4).'),
        timeout_ms: z.number().int().positive().optional().describe('Per-item deadline (default 60000).'),
      })
      .optional()
      .describe('Runner defaults; CLI flags override them.'),
  })
  .superRefine((suite, context) => {
    if (suite.targets === undefined && suite.providers === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['targets'],
        message: 'give at least one target (a gateway model)',
      });
    }
    if (suite.tests === undefined && suite.dataset === undefined) {
      context.addIssue({ code: 'custom', path: ['tests'], message: 'give `tests` or a `dataset`' });
    }
  });

export type SuiteFile = z.infer<typeof suiteSchema>;
export type AssertionSpec = z.infer<typeof suiteAssertionSchema>;
export type TestSpec = z.infer<typeof testSchema>;
export type JudgeSpec = z.infer<typeof suiteJudgeSchema>;

function closest(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of assertionTypes) {
    const distance = levenshtein(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
