/**
 * Mustache templates, checked strictly: syntax errors are found at push time with line and column,
 * the variables and includes a template uses are read from its tokens, and rendering refuses a
 * missing required variable (naming it) or a value of the wrong type. Values are inserted as is:
 * prompts are not HTML, so mustache's HTML escaping is off.
 */
import Mustache from 'mustache';
import { GatewayError } from '../errors/gateway-error.js';
import type { ChatMessage } from '../providers/canonical.js';
import { parsePromptReference, type PromptReference } from './reference.js';
import type {
  ChatTemplateMessage,
  ExtraVariablesPolicy,
  PromptTemplate,
  VariableDeclaration,
  VariableType,
} from './types.js';

/** What a template uses, read from its tokens. */
export interface TemplateUsage {
  /** Top-level variable names and how they are used. */
  variables: Map<string, 'value' | 'section'>;
  /** Prompts included with `{{> name}}`, with the reference as written (the partial's key). */
  includes: { text: string; reference: PromptReference }[];
  /** Names of `{ type: 'placeholder' }` messages (chat templates). */
  placeholders: string[];
}

// A writer of our own, so our template cache is not the process-wide mustache one.
const writer = new Mustache.Writer();
const noEscape = { escape: (value: unknown) => String(value) };

type Token = [type: string, value: string, start: number, end: number, children?: Token[]];

/** Reads a template's variables, includes and placeholders; throws a 400 naming the position of a syntax error. */
export function analyzeTemplate(template: PromptTemplate): TemplateUsage {
  const usage: TemplateUsage = { variables: new Map(), includes: [], placeholders: [] };
  if (typeof template === 'string') {
    collect(parseOrThrow(template, 'template'), usage, true);
    return usage;
  }
  template.forEach((message, index) => {
    if ('type' in message) usage.placeholders.push(message.name);
    else collect(parseOrThrow(message.content, `template[${index}].content`), usage, true);
  });
  return usage;
}

function parseOrThrow(text: string, param: string): Token[] {
  try {
    return writer.parse(text) as Token[];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const offset = /at (\d+)$/.exec(reason);
    const where = offset === null ? '' : ` at ${lineAndColumn(text, Number(offset[1]))}`;
    throw new GatewayError(
      'invalid_request',
      `Template syntax error${where}: ${reason.replace(/ at \d+$/, '')}.`,
      {
        param,
        publicCode: 'invalid_template',
      },
    );
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function collect(tokens: Token[], usage: TemplateUsage, topLevel: boolean): void {
  for (const [type, value, , , children] of tokens) {
    if (type === '>') {
      const text = value.trim();
      const reference = parsePromptReference(text);
      if (reference === null) {
        throw new GatewayError(
          'invalid_request',
          `Invalid include {{> ${value}}}: expected name, name@label or name@version.`,
          {
            param: 'template',
            publicCode: 'invalid_template',
          },
        );
      }
      usage.includes.push({ text, reference });
      continue;
    }
    const isValue = type === 'name' || type === '&';
    const isSection = type === '#' || type === '^';
    // Inside a section a name may be a field of the current item, so only top-level names count.
    if (topLevel && (isValue || isSection) && value !== '.') {
      const name = value.split('.')[0] ?? value;
      const dotted = value.includes('.');
      if (!usage.variables.has(name) || usage.variables.get(name) === 'value') {
        usage.variables.set(name, isSection || dotted ? 'section' : 'value');
      }
    }
    if (children !== undefined) collect(children, usage, false);
  }
}

/**
 * The declared variables completed with those the template uses but does not declare: a plain
 * `{{name}}` becomes a required string, a section or a dotted name an optional `any`, a placeholder an
 * optional message list (a conversation may have no history yet).
 */
export function completeDeclarations(
  declared: readonly VariableDeclaration[],
  usage: TemplateUsage,
): VariableDeclaration[] {
  const result = [...declared];
  const known = new Set(declared.map((variable) => variable.name));
  for (const [name, use] of usage.variables) {
    if (known.has(name)) continue;
    known.add(name);
    result.push(
      use === 'value' ? { name, type: 'string', required: true } : { name, type: 'any', required: false },
    );
  }
  for (const name of usage.placeholders) {
    if (!known.has(name)) result.push({ name, type: 'messages', required: false });
  }
  return result;
}

export interface RenderInput {
  /** For error messages: `support-answer v3`. */
  label: string;
  template: PromptTemplate;
  variables: readonly VariableDeclaration[];
  extraVariables: ExtraVariablesPolicy;
  /** Included templates by the reference as written in `{{> …}}`. */
  partials: Record<string, string>;
}

/**
 * Checks the values against the declarations and renders the messages (a text prompt is one user message).
 * Throws a 400 naming the variable at fault.
 */
export function renderTemplate(input: RenderInput, values: Record<string, unknown>): ChatMessage[] {
  checkValues(input, values);
  const render = (text: string): string => writer.render(text, values, input.partials, noEscape);
  if (typeof input.template === 'string') return [{ role: 'user', content: render(input.template) }];
  const messages: ChatMessage[] = [];
  for (const message of input.template) {
    if (isPlaceholder(message)) {
      const filled = values[message.name];
      if (Array.isArray(filled)) messages.push(...(filled as ChatMessage[]));
    } else {
      messages.push({ role: message.role, content: render(message.content) });
    }
  }
  return messages;
}

function isPlaceholder(message: ChatTemplateMessage): message is { type: 'placeholder'; name: string } {
  return 'type' in message;
}

function checkValues(input: RenderInput, values: Record<string, unknown>): void {
  for (const variable of input.variables) {
    const value = values[variable.name];
    if (value === undefined || value === null) {
      if (variable.required) {
        throw variableError(
          variable.name,
          `Missing required prompt variable '${variable.name}' (${input.label}).`,
          'missing_prompt_variable',
        );
      }
      continue;
    }
    if (!hasType(value, variable.type)) {
      throw variableError(
        variable.name,
        `Prompt variable '${variable.name}' must be ${describeType(variable.type)} (${input.label}).`,
        'invalid_prompt_variable',
      );
    }
  }
  if (input.extraVariables === 'reject') {
    const declared = new Set(input.variables.map((variable) => variable.name));
    const extra = Object.keys(values).find((name) => !declared.has(name));
    if (extra !== undefined) {
      throw variableError(
        extra,
        `Unknown prompt variable '${extra}' (${input.label} rejects undeclared variables).`,
        'unknown_prompt_variable',
      );
    }
  }
}

function variableError(name: string, message: string, code: string): GatewayError {
  return new GatewayError('invalid_request', message, {
    param: `prompt_variables.${name}`,
    publicCode: code,
  });
}

function hasType(value: unknown, type: VariableType): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'string':
    case 'number':
    case 'boolean':
      return typeof value === type;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'messages':
      return Array.isArray(value) && value.every(isMessage);
  }
}

const messageRoles = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

function isMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { role, content } = value as { role?: unknown; content?: unknown };
  return (
    typeof role === 'string' &&
    messageRoles.has(role) &&
    (typeof content === 'string' || Array.isArray(content) || content === null)
  );
}

function describeType(type: VariableType): string {
  if (type === 'messages') return 'a list of chat messages ({ role, content })';
  if (type === 'array' || type === 'object') return `an ${type}`;
  return `a ${type}`;
}
