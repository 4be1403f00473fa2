/**
 * What a push submits, validated: the wire shape shared by `POST /api/prompts` and the prompt files
 * of `gatehouse prompts push` (snake_case, as in the OpenAI API), turned into a `PromptDefinition`
 * whose template has been parsed (syntax errors are 400s with line and column), whose variables are
 * completed from the template, and whose content hash tells an identical push apart.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { labelPattern, latestLabel, promptNamePattern } from './reference.js';
import { analyzeTemplate, completeDeclarations, type TemplateUsage } from './template.js';
import type { PromptDefinition } from './types.js';

const roles = ['system', 'developer', 'user', 'assistant'] as const;

const chatTemplate = z
  .array(
    z.union([
      z.strictObject({ role: z.enum(roles), content: z.string() }),
      z.strictObject({ type: z.literal('placeholder'), name: z.string().regex(/^\w{1,64}$/) }),
    ]),
  )
  .min(1, 'a chat template needs at least one message');

export const modelConfigSchema = z
  .strictObject({
    model: z.string().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
    tools: z
      .array(
        z.looseObject({
          type: z.literal('function'),
          function: z.looseObject({ name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }),
        }),
      )
      .optional(),
  })
  .describe('The model call a version makes.');

export const variableSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_]\w{0,63}$/, 'a variable name is a letter or _ then letters, digits or _'),
  type: z.enum(['string', 'number', 'boolean', 'array', 'object', 'messages', 'any']).default('string'),
  required: z.boolean().default(true),
  description: z.string().optional(),
});

export const labelName = z
  .string()
  .regex(labelPattern, 'a label is lowercase letters, digits, _ and -, starting with a letter')
  .refine((label) => label !== latestLabel, '`latest` is moved by the registry itself');

export const pushSchema = z.strictObject({
  name: z.string().regex(promptNamePattern, 'a prompt name is letters, digits, _, - and .'),
  type: z.enum(['text', 'chat']).optional(),
  template: z.union([z.string(), chatTemplate]),
  config: modelConfigSchema.default({}),
  variables: z.array(variableSchema).default([]),
  tags: z.array(z.string().min(1).max(64)).max(32).default([]),
  extra_variables: z.enum(['ignore', 'reject']).default('ignore'),
  commit_message: z.string().max(1000).optional(),
  /** Labels to move to the pushed version (or to the identical latest one). */
  labels: z.array(labelName).default([]),
});

export type PushInput = z.infer<typeof pushSchema>;

export interface PreparedPush {
  definition: PromptDefinition;
  usage: TemplateUsage;
  contentHash: string;
  labels: string[];
}

/** Checks a parsed push body: type against template, syntax, variable declarations; hashes the content. */
export function preparePush(input: PushInput): PreparedPush {
  const type = input.type ?? (typeof input.template === 'string' ? 'text' : 'chat');
  if ((type === 'text') !== (typeof input.template === 'string')) {
    throw new GatewayError(
      'invalid_request',
      type === 'text'
        ? 'A text prompt has a string template.'
        : 'A chat prompt has a list of messages as template.',
      { param: 'template' },
    );
  }
  const names = new Set<string>();
  for (const variable of input.variables) {
    if (names.has(variable.name)) {
      throw new GatewayError('invalid_request', `Variable '${variable.name}' is declared twice.`, {
        param: 'variables',
      });
    }
    names.add(variable.name);
  }
  const usage = analyzeTemplate(input.template);
  const self = usage.includes.find((include) => include.reference.name === input.name);
  if (self !== undefined) {
    throw new GatewayError('invalid_request', `Prompt ${input.name} includes itself.`, {
      param: 'template',
      publicCode: 'prompt_include_cycle',
    });
  }
  const definition: PromptDefinition = {
    name: input.name,
    type,
    template: input.template,
    config: input.config as PromptDefinition['config'],
    variables: completeDeclarations(input.variables, usage),
    tags: input.tags,
    extraVariables: input.extra_variables,
    commitMessage: input.commit_message ?? null,
  };
  return { definition, usage, contentHash: hashContent(definition), labels: input.labels };
}

/** Tags and the commit message describe a version; they do not make a different one. */
function hashContent(definition: PromptDefinition): string {
  const content = [
    definition.type,
    definition.template,
    canonical(definition.config),
    definition.variables,
    definition.extraVariables,
  ];
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

/** Objects with sorted keys, so `{a, b}` and `{b, a}` hash the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}
