/**
 * The data plane's view of the registry: a prompt reference → the exact version to serve, its
 * template with every include resolved, and its model config. Served from memory: a prompt's labels
 * and running experiments are loaded once and refreshed in the background when older than the refresh
 * interval (stale-while-revalidate), versions are immutable and cached for good, and the registry
 * drops a prompt's entry the moment one of its labels moves in this process, so a rollback takes
 * effect on the next request. Only the first request for a prompt waits for the store.
 */
import { GatewayError } from '../errors/gateway-error.js';
import { assignVariant, type AssignmentInput } from './assign-variant.js';
import type { PromptRepository, StoredPrompt } from './prompt-repository.js';
import { collectIncludes } from './includes.js';
import type { PromptReference } from './reference.js';
import { analyzeTemplate, type RenderInput, type TemplateUsage } from './template.js';
import type {
  Experiment,
  PromptModelConfig,
  PromptScope,
  PromptVersion,
  VariableDeclaration,
} from './types.js';

export interface ResolvedPrompt {
  name: string;
  version: number;
  /** The label the reference went through; null for a version number. */
  label: string | null;
  experiment: { id: string; variant: string } | null;
  config: PromptModelConfig;
  render: RenderInput;
}

export interface PromptResolver {
  resolve(
    scope: PromptScope,
    reference: PromptReference,
    assignment: AssignmentInput,
  ): Promise<ResolvedPrompt>;
  /** Forgets what is cached about a prompt (its labels moved, a version was pushed). */
  invalidate(scope: PromptScope, name: string): void;
}

export interface PromptResolverOptions {
  repository: PromptRepository;
  /** How old a prompt's labels may get before a background refresh (other replicas' moves show up then). */
  refreshIntervalMs: number;
}

interface PromptState {
  prompt: StoredPrompt | null;
  labels: Record<string, number>;
  /** Running experiments by label. */
  experiments: Map<string, Experiment>;
  loadedAt: number;
  refreshing: boolean;
}

interface CachedVersion {
  version: PromptVersion;
  includes: TemplateUsage['includes'];
}

// Bounds memory when many versions are read; the oldest entries go first.
const maxCachedVersions = 10_000;

export function createPromptResolver(options: PromptResolverOptions): PromptResolver {
  const { repository, refreshIntervalMs } = options;
  const states = new Map<string, PromptState>();
  const loading = new Map<string, Promise<PromptState>>();
  // Bumped by invalidate: a load that started before a label move must not cache what it read.
  const generations = new Map<string, number>();
  const versions = new Map<string, CachedVersion>();

  const keyOf = (scope: PromptScope, name: string) =>
    `${scope.tenantId}\u0000${scope.projectId}\u0000${name}`;

  async function load(scope: PromptScope, name: string): Promise<PromptState> {
    const prompt = await repository.findPrompt(scope, name);
    if (prompt === null) {
      return { prompt, labels: {}, experiments: new Map(), loadedAt: Date.now(), refreshing: false };
    }
    const [labels, running] = await Promise.all([
      repository.getLabels(prompt),
      repository.listExperiments(prompt, { status: 'running' }),
    ]);
    return {
      prompt,
      labels,
      experiments: new Map(running.map((experiment) => [experiment.label, experiment])),
      loadedAt: Date.now(),
      refreshing: false,
    };
  }

  async function stateOf(scope: PromptScope, name: string): Promise<PromptState> {
    const key = keyOf(scope, name);
    const state = states.get(key);
    if (state !== undefined) {
      if (!state.refreshing && Date.now() - state.loadedAt > refreshIntervalMs) refresh(scope, name, state);
      return state;
    }
    const generation = generations.get(key) ?? 0;
    let pending = loading.get(key);
    if (pending === undefined) {
      pending = load(scope, name).finally(() => {
        if (loading.get(key) === pending) loading.delete(key);
      });
      loading.set(key, pending);
    }
    try {
      const loaded = await pending;
      if ((generations.get(key) ?? 0) === generation) states.set(key, loaded);
      return loaded;
    } catch (error) {
      throw new GatewayError(
        'service_unavailable',
        'The prompt registry is unavailable; try again shortly.',
        {
          cause: error,
        },
      );
    }
  }

  /** Background refresh: the stale state keeps serving, and keeps serving if the store fails. */
  function refresh(scope: PromptScope, name: string, state: PromptState): void {
    state.refreshing = true;
    load(scope, name).then(
      (fresh) => {
        const key = keyOf(scope, name);
        if (states.get(key) === state) states.set(key, fresh);
      },
      () => {
        state.refreshing = false;
        state.loadedAt = Date.now();
      },
    );
  }

  async function versionOf(prompt: StoredPrompt, number: number): Promise<CachedVersion | null> {
    const key = `${prompt.id}:${number}`;
    const cached = versions.get(key);
    if (cached !== undefined) return cached;
    let version: PromptVersion | null;
    try {
      version = await repository.getVersion(prompt, number);
    } catch (error) {
      throw new GatewayError(
        'service_unavailable',
        'The prompt registry is unavailable; try again shortly.',
        {
          cause: error,
        },
      );
    }
    if (version === null) return null;
    const entry = { version, includes: analyzeTemplate(version.template).includes };
    if (versions.size >= maxCachedVersions) {
      const oldest = versions.keys().next().value;
      if (oldest !== undefined) versions.delete(oldest);
    }
    versions.set(key, entry);
    return entry;
  }

  /** The version a reference names (no experiment), with the state it came from. */
  async function pick(
    scope: PromptScope,
    reference: PromptReference,
  ): Promise<{ state: PromptState; prompt: StoredPrompt; number: number }> {
    const state = await stateOf(scope, reference.name);
    if (state.prompt === null) {
      throw new GatewayError('not_found', `Prompt ${reference.name} does not exist.`, {
        param: 'model',
        publicCode: 'prompt_not_found',
      });
    }
    if (reference.version !== null) return { state, prompt: state.prompt, number: reference.version };
    const label = reference.label ?? '';
    const number = state.labels[label];
    if (number === undefined) {
      throw new GatewayError('not_found', `Prompt ${reference.name} has no label "${label}".`, {
        param: 'model',
        publicCode: 'prompt_label_not_found',
      });
    }
    return { state, prompt: state.prompt, number };
  }

  async function mustVersion(prompt: StoredPrompt, number: number): Promise<CachedVersion> {
    const entry = await versionOf(prompt, number);
    if (entry === null) {
      throw new GatewayError('not_found', `Prompt ${prompt.name} has no version ${number}.`, {
        param: 'model',
        publicCode: 'prompt_version_not_found',
      });
    }
    return entry;
  }

  return {
    async resolve(scope, reference, assignment) {
      const { state, prompt, number } = await pick(scope, reference);
      const experiment = reference.label === null ? undefined : state.experiments.get(reference.label);
      const variant = experiment === undefined ? null : assignVariant(experiment, assignment);
      const entry = await mustVersion(prompt, variant?.version ?? number);
      const { version } = entry;
      let variables: readonly VariableDeclaration[] = version.variables;
      let partials: Record<string, string> = {};
      if (entry.includes.length > 0) {
        const lookup = async (include: PromptReference) => {
          const picked = await pick(scope, include);
          const included = await mustVersion(picked.prompt, picked.number);
          return { ...included.version, includes: included.includes };
        };
        ({ variables, partials } = await collectIncludes(
          { ...version, includes: entry.includes },
          lookup,
          'model',
        ));
      }
      return {
        name: version.name,
        version: version.version,
        label: reference.label,
        experiment:
          variant === null || experiment === undefined ? null : { id: experiment.id, variant: variant.name },
        config: version.config,
        render: {
          label: `${version.name} v${version.version}`,
          template: version.template,
          variables,
          extraVariables: version.extraVariables,
          partials,
        },
      };
    },
    invalidate(scope, name) {
      const key = keyOf(scope, name);
      states.delete(key);
      loading.delete(key);
      generations.set(key, (generations.get(key) ?? 0) + 1);
    },
  };
}
