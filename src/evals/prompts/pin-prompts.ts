/**
 * Registry prompts in a suite are pinned once per run: each reference (`support-answer@production`)
 * becomes the exact version it points at when the run starts, with its includes collected, so every
 * item of the run renders the same version and the run records which one. Where the versions come
 * from is a `PromptVersionSource`: the registry itself in the server process, its REST API from the
 * CLI (`rest-prompt-source.ts`).
 */
import type { PromptRegistry } from '../../prompts/registry.js';
import { formatPromptReference, type PromptReference } from '../../prompts/reference.js';
import { analyzeTemplate, type RenderInput } from '../../prompts/template.js';
import type { PromptScope, PromptVersion } from '../../prompts/types.js';
import { collectIncludes, type ComposableVersion } from '../../prompts/includes.js';
import { SuiteError } from '../suite/load-suite.js';
import {
  isInlinePrompt,
  type PinnedPrompt,
  type PromptTemplate,
  type SuitePrompt,
} from '../suite/test-case.js';

export interface PromptVersionSource {
  /** The version a reference points at now; throws with a message naming what is missing. */
  versionAt(reference: PromptReference): Promise<PromptVersion>;
}

/** The registry of one tenant and project, in this process. */
export function registryPromptSource(registry: PromptRegistry, scope: PromptScope): PromptVersionSource {
  return { versionAt: (reference) => registry.versionAt(scope, reference) };
}

/** What a run records of each prompt: inline ones as written, registry ones with the exact version. */
export type PromptRecord =
  | { id: string; messages: { role: string; content: string }[] }
  | { id: string; prompt: string; version: number; label: string | null };

/**
 * Pins every registry prompt of a suite. `versions` (prompt id → version), when given, pins those
 * versions instead of following the labels: a resumed run keeps the versions it started with.
 */
export async function pinPrompts(
  prompts: readonly SuitePrompt[],
  source: PromptVersionSource | undefined,
  versions?: ReadonlyMap<string, number>,
): Promise<PromptTemplate[]> {
  const pinned: PromptTemplate[] = [];
  for (const prompt of prompts) {
    if (isInlinePrompt(prompt)) {
      pinned.push(prompt);
      continue;
    }
    const written = `prompt:${formatPromptReference(prompt.reference)}`;
    if (source === undefined)
      throw new SuiteError(`${written}: registry prompts need a gateway to read them from`);
    const fixed = versions?.get(prompt.id);
    const reference =
      fixed === undefined ? prompt.reference : { ...prompt.reference, label: null, version: fixed };
    try {
      pinned.push(await pin(prompt.id, prompt.reference, await source.versionAt(reference), source));
    } catch (error) {
      if (error instanceof SuiteError) throw error;
      throw new SuiteError(`${written}: ${(error as Error).message}`);
    }
  }
  return pinned;
}

export function promptRecords(prompts: readonly PromptTemplate[]): PromptRecord[] {
  return prompts.map((prompt) =>
    isInlinePrompt(prompt)
      ? { id: prompt.id, messages: prompt.messages }
      : {
          id: prompt.id,
          prompt: prompt.reference.name,
          version: prompt.version,
          label: prompt.reference.label,
        },
  );
}

/** Prompt id → pinned version, from what a run recorded. */
export function recordedVersions(records: unknown): Map<string, number> {
  const versions = new Map<string, number>();
  if (!Array.isArray(records)) return versions;
  for (const record of records as Partial<Record<string, unknown>>[]) {
    if (typeof record.id === 'string' && typeof record.version === 'number')
      versions.set(record.id, record.version);
  }
  return versions;
}

async function pin(
  id: string,
  reference: PromptReference,
  version: PromptVersion,
  source: PromptVersionSource,
): Promise<PinnedPrompt> {
  const { partials, variables } = await collectIncludes(
    composable(version),
    async (included) => composable(await source.versionAt(included)),
    'prompts',
  );
  const render: RenderInput = {
    label: `${version.name} v${version.version}`,
    template: version.template,
    variables,
    extraVariables: version.extraVariables,
    partials,
  };
  const { model: _model, ...params } = version.config;
  return { id, reference, version: version.version, render, params };
}

function composable(version: PromptVersion): ComposableVersion {
  return { ...version, includes: analyzeTemplate(version.template).includes };
}
