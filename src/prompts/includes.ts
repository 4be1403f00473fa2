/**
 * Composition: the templates a version includes with `{{> name}}` (and those they include), gathered
 * into the partials mustache renders with and the variables they add. Where a version comes from is
 * the caller's `lookup`: the gateway's resolver reads its in-memory registry, the SDK the REST API.
 */
import { GatewayError } from '../errors/gateway-error.js';
import type { PromptReference } from './reference.js';
import type { TemplateUsage } from './template.js';
import type { PromptTemplate, VariableDeclaration } from './types.js';

/** A version as far as composition cares. */
export interface ComposableVersion {
  name: string;
  template: PromptTemplate;
  variables: readonly VariableDeclaration[];
  /** What `analyzeTemplate(template).includes` found. */
  includes: TemplateUsage['includes'];
}

export interface CollectedIncludes {
  /** Included templates by the reference as written in `{{> …}}`. */
  partials: Record<string, string>;
  /** The root's variables and those of every include (required when any of them requires it). */
  variables: VariableDeclaration[];
}

// Deep enough for any sane composition; stops a runaway chain.
const maxIncludeDepth = 16;

/**
 * Collects the templates and variables of every include, refusing cycles and chat prompts.
 *
 * @example
 * const { partials, variables } = await collectIncludes(version, (reference) => fetchVersion(reference), 'model');
 */
export async function collectIncludes(
  root: ComposableVersion,
  lookup: (reference: PromptReference) => Promise<ComposableVersion>,
  param: string,
): Promise<CollectedIncludes> {
  const into = {
    partials: {},
    variables: new Map(root.variables.map((variable) => [variable.name, variable])),
  };
  await addIncludes(root, lookup, param, into, [root.name]);
  return { partials: into.partials, variables: [...into.variables.values()] };
}

async function addIncludes(
  version: ComposableVersion,
  lookup: (reference: PromptReference) => Promise<ComposableVersion>,
  param: string,
  into: { partials: Record<string, string>; variables: Map<string, VariableDeclaration> },
  path: string[],
): Promise<void> {
  for (const { text, reference } of version.includes) {
    if (path.includes(reference.name) || path.length > maxIncludeDepth) {
      throw new GatewayError(
        'invalid_request',
        `Prompt include cycle: ${[...path, reference.name].join(' → ')}.`,
        { param, publicCode: 'prompt_include_cycle' },
      );
    }
    const included = await lookup(reference);
    if (typeof included.template !== 'string') {
      throw new GatewayError(
        'invalid_request',
        `Prompt ${reference.name} is a chat prompt; only text prompts can be included.`,
        { param, publicCode: 'invalid_prompt_include' },
      );
    }
    into.partials[text] = included.template;
    for (const variable of included.variables) {
      const known = into.variables.get(variable.name);
      into.variables.set(
        variable.name,
        known === undefined ? variable : { ...known, required: known.required || variable.required },
      );
    }
    await addIncludes(included, lookup, param, into, [...path, reference.name]);
  }
}
