/**
 * Experiments: split the traffic of one label of a prompt between versions, watch the per-variant
 * results, then stop (the label serves its own version again) or ship a variant (the label moves to
 * it, audited like any move). Assignment happens in the resolver (assign-variant.ts); results are in
 * experiment-results.ts.
 */
import { GatewayError } from '../errors/gateway-error.js';
import { experimentResults, type ExperimentResults, type ResultsOptions } from './experiment-results.js';
import type { PromptRepository } from './prompt-repository.js';
import type { PromptRegistry } from './registry.js';
import type { Experiment, ExperimentSegment, ExperimentVariant, LabelMove, PromptScope } from './types.js';

export interface StartExperiment {
  label: string;
  variants: ExperimentVariant[];
  segment: ExperimentSegment | null;
  actor: string;
}

export type ExperimentService = ReturnType<typeof createExperimentService>;

export function createExperimentService(registry: PromptRegistry, repository: PromptRepository) {
  async function requireExperiment(scope: PromptScope, name: string, id: string) {
    const prompt = await registry.requirePrompt(scope, name);
    const experiment = await repository.getExperiment(prompt, id);
    if (experiment === null) {
      throw new GatewayError('not_found', `Prompt ${name} has no experiment ${id}.`, {
        param: 'id',
        publicCode: 'experiment_not_found',
      });
    }
    return { prompt, experiment };
  }

  function requireRunning(experiment: Experiment): void {
    if (experiment.status !== 'running') {
      throw new GatewayError(
        'conflict',
        `Experiment ${experiment.id} is ${experiment.status}, not running.`,
        {
          param: 'id',
          publicCode: 'experiment_not_running',
        },
      );
    }
  }

  return {
    async start(scope: PromptScope, name: string, request: StartExperiment): Promise<Experiment> {
      const prompt = await registry.requirePrompt(scope, name);
      checkVariants(request.variants);
      const labels = await repository.getLabels(prompt);
      if (labels[request.label] === undefined) {
        throw new GatewayError('not_found', `Prompt ${name} has no label "${request.label}" to split.`, {
          param: 'label',
          publicCode: 'prompt_label_not_found',
        });
      }
      for (const [index, variant] of request.variants.entries()) {
        if ((await repository.getVersion(prompt, variant.version)) === null) {
          throw new GatewayError('not_found', `Prompt ${name} has no version ${variant.version}.`, {
            param: `variants[${index}].version`,
            publicCode: 'prompt_version_not_found',
          });
        }
      }
      const running = await repository.listExperiments(prompt, { status: 'running' });
      const clash = running.find((experiment) => experiment.label === request.label);
      if (clash !== undefined) {
        throw new GatewayError(
          'conflict',
          `Label ${request.label} of ${name} is already split by experiment ${clash.id}; stop it first.`,
          { param: 'label', publicCode: 'experiment_running' },
        );
      }
      const experiment = await repository.createExperiment(prompt, {
        label: request.label,
        variants: request.variants,
        segment: request.segment,
        createdBy: request.actor,
      });
      registry.changed(scope, name);
      return experiment;
    },

    async list(scope: PromptScope, name: string): Promise<Experiment[]> {
      return repository.listExperiments(await registry.requirePrompt(scope, name));
    },

    async get(scope: PromptScope, name: string, id: string): Promise<Experiment> {
      return (await requireExperiment(scope, name, id)).experiment;
    },

    /** Per-variant results and the comparison of each variant with the baseline. */
    async results(
      scope: PromptScope,
      name: string,
      id: string,
      options: ResultsOptions,
    ): Promise<ExperimentResults> {
      const { experiment } = await requireExperiment(scope, name, id);
      if (options.baseline !== undefined && !experiment.variants.some((v) => v.name === options.baseline)) {
        throw new GatewayError('invalid_request', `Experiment ${id} has no variant "${options.baseline}".`, {
          param: 'baseline',
        });
      }
      const [traces, scores] = await Promise.all([
        repository.experimentTraces(id),
        repository.experimentScores(scope, id),
      ]);
      return experimentResults(experiment, traces, scores, options);
    },

    /** Ends the split: the label serves the version it points at to everyone again. */
    async stop(scope: PromptScope, name: string, id: string): Promise<Experiment> {
      const { prompt, experiment } = await requireExperiment(scope, name, id);
      requireRunning(experiment);
      await repository.endExperiment(prompt, id, 'stopped', null);
      registry.changed(scope, name);
      return { ...experiment, status: 'stopped', endedAt: Date.now() };
    },

    /** Moves the label to the variant's version (protected labels still need the eval gate), then ends the split. */
    async ship(
      scope: PromptScope,
      name: string,
      id: string,
      request: { variant: string; actor: string },
    ): Promise<{ experiment: Experiment; move: LabelMove }> {
      const { prompt, experiment } = await requireExperiment(scope, name, id);
      requireRunning(experiment);
      const variant = experiment.variants.find((candidate) => candidate.name === request.variant);
      if (variant === undefined) {
        throw new GatewayError(
          'invalid_request',
          `Experiment ${id} has no variant "${request.variant}" (it has ${experiment.variants.map((v) => v.name).join(', ')}).`,
          { param: 'variant' },
        );
      }
      const move = await registry.moveLabel(scope, name, {
        label: experiment.label,
        version: variant.version,
        actor: request.actor,
        action: 'ship',
        reason: `experiment ${id}: variant ${variant.name}`,
      });
      await repository.endExperiment(prompt, id, 'shipped', variant.name);
      registry.changed(scope, name);
      return {
        experiment: { ...experiment, status: 'shipped', shippedVariant: variant.name, endedAt: Date.now() },
        move,
      };
    },
  };
}

function checkVariants(variants: readonly ExperimentVariant[]): void {
  if (variants.length < 2) {
    throw new GatewayError('invalid_request', 'An experiment needs at least two variants.', {
      param: 'variants',
    });
  }
  const names = new Set(variants.map((variant) => variant.name));
  if (names.size !== variants.length) {
    throw new GatewayError('invalid_request', 'Variant names must be unique.', { param: 'variants' });
  }
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (Math.abs(total - 100) > 1e-9) {
    throw new GatewayError(
      'invalid_request',
      `Variant weights must add up to 100 (they add up to ${total}).`,
      {
        param: 'variants',
      },
    );
  }
}
