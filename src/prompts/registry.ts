/**
 * The prompt registry's control plane: push versions, move labels (promote, rollback), read the audit
 * of label moves. Every move goes through `moveLabel` here, which enforces protected labels (a version
 * must have passed its eval gate) and tells the resolver and the `onPromptChanged` listener (the
 * response cache) that the prompt changed.
 */
import { GatewayError } from '../errors/gateway-error.js';
import { preparePush, type PushInput } from './definition.js';
import type { PromptRepository, StoredPrompt } from './prompt-repository.js';
import { PromptTypeMismatchError } from './prompt-repository.js';
import type { PromptResolver } from './prompt-resolver.js';
import { latestLabel, type PromptReference } from './reference.js';
import { analyzeTemplate } from './template.js';
import type { LabelAction, LabelMove, PromptScope, PromptSummary, PromptVersion } from './types.js';

/**
 * The evaluation feature's say on protected labels. A registry without a gate lets every move through.
 *
 * @example
 * const gate: PromptEvalGate = { check: async ({ name, version }) => ({ passed: await evalPassed(name, version) }) };
 */
export interface PromptEvalGate {
  check(request: {
    scope: PromptScope;
    name: string;
    version: number;
    label: string;
  }): Promise<{ passed: boolean; reason?: string }>;
}

export interface PromptRegistryOptions {
  repository: PromptRepository;
  resolver: PromptResolver;
  /** Labels only a version that passed its eval gate may take. */
  protectedLabels: readonly string[];
  evalGate?: PromptEvalGate | undefined;
  /** Called after any version or label change of a prompt (the cache purges what it served from it). */
  onPromptChanged?: ((name: string, scope: PromptScope) => void) | undefined;
}

export interface PushOutcome {
  version: PromptVersion;
  created: boolean;
  moves: LabelMove[];
}

export interface PromptDetail {
  name: string;
  type: PromptVersion['type'];
  labels: Record<string, number>;
  versions: PromptVersion[];
}

export interface LabelMoveRequest {
  label: string;
  version: number;
  actor: string;
  action: LabelAction;
  reason?: string | null;
}

export type PromptRegistry = ReturnType<typeof createPromptRegistry>;

const maxIncludeDepth = 16;

export function createPromptRegistry(options: PromptRegistryOptions) {
  const { repository, resolver } = options;
  const protectedLabels = new Set(options.protectedLabels);

  function changed(scope: PromptScope, name: string): void {
    resolver.invalidate(scope, name);
    options.onPromptChanged?.(name, scope);
  }

  async function requirePrompt(scope: PromptScope, name: string): Promise<StoredPrompt> {
    const prompt = await repository.findPrompt(scope, name);
    if (prompt === null) {
      throw new GatewayError('not_found', `Prompt ${name} does not exist.`, {
        param: 'name',
        publicCode: 'prompt_not_found',
      });
    }
    return prompt;
  }

  async function requireVersion(prompt: StoredPrompt, version: number): Promise<PromptVersion> {
    const found = await repository.getVersion(prompt, version);
    if (found === null) {
      throw new GatewayError('not_found', `Prompt ${prompt.name} has no version ${version}.`, {
        param: 'version',
        publicCode: 'prompt_version_not_found',
      });
    }
    return found;
  }

  /** The version a reference points at now, read from the store (the control plane never serves stale). */
  async function versionAt(scope: PromptScope, reference: PromptReference): Promise<PromptVersion> {
    const prompt = await requirePrompt(scope, reference.name);
    if (reference.version !== null) return requireVersion(prompt, reference.version);
    const label = reference.label ?? '';
    const number = (await repository.getLabels(prompt))[label];
    if (number === undefined) {
      throw new GatewayError('not_found', `Prompt ${prompt.name} has no label "${label}".`, {
        param: 'label',
        publicCode: 'prompt_label_not_found',
      });
    }
    return requireVersion(prompt, number);
  }

  /** Included prompts must exist, be text prompts, and never lead back to the prompt being pushed. */
  async function checkIncludes(
    scope: PromptScope,
    includes: ReturnType<typeof analyzeTemplate>['includes'],
    path: string[],
  ): Promise<void> {
    for (const { text, reference } of includes) {
      if (path.includes(reference.name) || path.length > maxIncludeDepth) {
        throw new GatewayError(
          'invalid_request',
          `Prompt include cycle: ${[...path, reference.name].join(' → ')}.`,
          {
            param: 'template',
            publicCode: 'prompt_include_cycle',
          },
        );
      }
      let included: PromptVersion;
      try {
        included = await versionAt(scope, reference);
      } catch (error) {
        if (!GatewayError.isInstance(error) || error.status !== 404) throw error;
        throw new GatewayError('invalid_request', `Include {{> ${text}}}: ${error.message}`, {
          param: 'template',
          publicCode: 'invalid_prompt_include',
        });
      }
      if (typeof included.template !== 'string') {
        throw new GatewayError(
          'invalid_request',
          `Include {{> ${text}}}: only text prompts can be included.`,
          {
            param: 'template',
            publicCode: 'invalid_prompt_include',
          },
        );
      }
      await checkIncludes(scope, analyzeTemplate(included.template).includes, [...path, reference.name]);
    }
  }

  async function moveLabelOf(
    scope: PromptScope,
    prompt: StoredPrompt,
    request: LabelMoveRequest,
  ): Promise<LabelMove> {
    if (request.label === latestLabel) {
      throw new GatewayError('invalid_request', '`latest` is moved by the registry itself, on every push.', {
        param: 'label',
      });
    }
    await requireVersion(prompt, request.version);
    if (protectedLabels.has(request.label) && options.evalGate !== undefined) {
      const verdict = await options.evalGate.check({
        scope,
        name: prompt.name,
        version: request.version,
        label: request.label,
      });
      if (!verdict.passed) {
        throw new GatewayError(
          'permission_denied',
          `Label ${request.label} is protected: ${prompt.name} v${request.version} has not passed its eval gate${verdict.reason === undefined ? '' : ` (${verdict.reason})`}.`,
          { param: 'version', publicCode: 'eval_gate_failed' },
        );
      }
    }
    const move = await repository.moveLabel(prompt, {
      label: request.label,
      toVersion: request.version,
      action: request.action,
      actor: request.actor,
      reason: request.reason ?? null,
    });
    changed(scope, prompt.name);
    return move;
  }

  return {
    /**
     * Stores a new version unless the content equals the latest one, then moves the labels asked for.
     *
     * @example
     * await registry.push(scope, { name: 'support-answer', template: 'Answer: {{question}}', labels: ['staging'] }, 'alice');
     */
    async push(scope: PromptScope, input: PushInput, actor: string): Promise<PushOutcome> {
      const prepared = preparePush(input);
      await checkIncludes(scope, prepared.usage.includes, [input.name]);
      let result;
      try {
        result = await repository.pushVersion(scope, prepared.definition, prepared.contentHash, actor);
      } catch (error) {
        if (!(error instanceof PromptTypeMismatchError)) throw error;
        throw new GatewayError('conflict', `${error.message}.`, {
          param: 'type',
          publicCode: 'prompt_type_mismatch',
        });
      }
      const moves = result.move === null ? [] : [result.move];
      if (result.created) changed(scope, input.name);
      const prompt = await requirePrompt(scope, input.name);
      const labels = await repository.getLabels(prompt);
      for (const label of prepared.labels) {
        if (labels[label] === result.version.version) continue;
        moves.push(
          await moveLabelOf(scope, prompt, {
            label,
            version: result.version.version,
            actor,
            action: 'promote',
            reason: prepared.definition.commitMessage,
          }),
        );
      }
      return { version: result.version, created: result.created, moves };
    },

    list: (scope: PromptScope): Promise<PromptSummary[]> => repository.listPrompts(scope),

    async get(scope: PromptScope, name: string): Promise<PromptDetail> {
      const prompt = await requirePrompt(scope, name);
      const [labels, versions] = await Promise.all([
        repository.getLabels(prompt),
        repository.listVersions(prompt),
      ]);
      return { name: prompt.name, type: prompt.type, labels, versions };
    },

    versionAt,

    async moveLabel(scope: PromptScope, name: string, request: LabelMoveRequest): Promise<LabelMove> {
      return moveLabelOf(scope, await requirePrompt(scope, name), request);
    },

    /**
     * Moves a label back to the version it held before its current one (or to `toVersion`). Repeated
     * rollbacks walk further back: a rollback's own move is not a version to return to.
     */
    async rollback(
      scope: PromptScope,
      name: string,
      request: { label: string; actor: string; toVersion?: number | undefined; reason?: string | null },
    ): Promise<LabelMove> {
      const prompt = await requirePrompt(scope, name);
      const current = (await repository.getLabels(prompt))[request.label];
      if (current === undefined) {
        throw new GatewayError('not_found', `Prompt ${name} has no label "${request.label}".`, {
          param: 'label',
          publicCode: 'prompt_label_not_found',
        });
      }
      let target = request.toVersion;
      if (target === undefined) {
        const history = await repository.listLabelMoves(prompt, { label: request.label, limit: 1000 });
        target =
          history.find(
            (move) => move.action !== 'rollback' && move.toVersion === current && move.fromVersion !== null,
          )?.fromVersion ?? undefined;
      }
      if (target === undefined) {
        throw new GatewayError(
          'conflict',
          `Label ${request.label} of ${name} has no earlier version to roll back to.`,
          {
            param: 'label',
            publicCode: 'nothing_to_roll_back',
          },
        );
      }
      return moveLabelOf(scope, prompt, {
        label: request.label,
        version: target,
        actor: request.actor,
        action: 'rollback',
        reason: request.reason ?? null,
      });
    },

    async removeLabel(scope: PromptScope, name: string, label: string, actor: string): Promise<LabelMove> {
      const prompt = await requirePrompt(scope, name);
      if (label === latestLabel) {
        throw new GatewayError('invalid_request', '`latest` cannot be removed.', { param: 'label' });
      }
      if ((await repository.getLabels(prompt))[label] === undefined) {
        throw new GatewayError('not_found', `Prompt ${name} has no label "${label}".`, {
          param: 'label',
          publicCode: 'prompt_label_not_found',
        });
      }
      const move = await repository.moveLabel(prompt, {
        label,
        toVersion: null,
        action: 'remove',
        actor,
        reason: null,
      });
      changed(scope, name);
      return move;
    },

    async audit(
      scope: PromptScope,
      name: string,
      filter: { label?: string; limit: number },
    ): Promise<LabelMove[]> {
      return repository.listLabelMoves(await requirePrompt(scope, name), filter);
    },

    requirePrompt,
    /** Changes to experiments (start, stop) change what a label serves, like a label move. */
    changed,
  };
}
