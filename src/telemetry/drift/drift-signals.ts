/**
 * The drift signals of one group between a reference sample and a recent sample of its traces:
 * input/output length (PSI over the reference's token-count deciles), language mix, refusals and tool
 * calls (PSI over categories: languages; refused or not; called tools or not), and the cosine distance
 * between the mean input embeddings. Each signal says its value, its threshold, whether it drifted,
 * and how many samples it rests on — or why it has no value: too few samples (`insufficient_data`),
 * no stored content (`unavailable`: `telemetry.capture_content: false`), or the embedder failed
 * (`error`). A signal without a value never counts as drifted.
 */
import type { DriftSignal, DriftThresholds } from '../../config/drift-monitor.js';
import { detectLanguage } from '../../guardrails/input/language.js';
import type { Embedder } from '../../embeddings/spec.js';
import { centroidCosineDistance } from '../../statistics/centroid-distance.js';
import { categoricalPsi, countLabels, numericPsi } from '../../statistics/population-stability.js';
import type { DriftSample } from '../../storage/drift-samples.js';
import { inputText, outputFacts, type OutputFacts } from './trace-content.js';

export type SignalStatus = 'ok' | 'drifted' | 'insufficient_data' | 'unavailable' | 'error';

export interface DriftSignalResult {
  signal: DriftSignal;
  /** `psi` for every signal but `input_embedding` (`cosine_distance`). */
  measure: 'psi' | 'cosine_distance';
  /** Null when the signal could not be computed (see `status`). */
  value: number | null;
  threshold: number;
  drifted: boolean;
  status: SignalStatus;
  /** Samples the value rests on, per window. */
  samples: { reference: number; recent: number };
  /** What each window looked like (mean lengths, rates, language shares), for people reading the report. */
  summary: { reference: Record<string, number>; recent: Record<string, number> } | null;
  /** Why there is no value. */
  note?: string;
}

export interface SignalOptions {
  signals: readonly DriftSignal[];
  thresholds: DriftThresholds;
  minSamples: number;
  /** Inputs embedded per window (the first of the content sample). */
  embeddingSampleSize: number;
  /** Null when embeddings are off: `input_embedding` is then unavailable. */
  embedder: Embedder | null;
}

// USE lite's cost grows with text length; a prompt's opening says what it is about.
const embeddedCharacters = 1_000;

interface Features {
  inputLengths: number[];
  outputLengths: number[];
  contentRows: number;
  inputs: string[];
  outputs: OutputFacts[];
}

function featuresOf(sample: DriftSample): Features {
  const inputs: string[] = [];
  const outputs: OutputFacts[] = [];
  for (const row of sample.contents) {
    const text = inputText(row.input);
    if (text !== null) inputs.push(text);
    const facts = outputFacts(row.output);
    if (facts !== null) outputs.push(facts);
  }
  return {
    inputLengths: sample.lengths.flatMap((row) => (row.inputTokens === null ? [] : [row.inputTokens])),
    outputLengths: sample.lengths.flatMap((row) => (row.outputTokens === null ? [] : [row.outputTokens])),
    contentRows: sample.contents.length,
    inputs,
    outputs,
  };
}

export async function computeDriftSignals(
  reference: DriftSample,
  recent: DriftSample,
  options: SignalOptions,
): Promise<DriftSignalResult[]> {
  const before = featuresOf(reference);
  const after = featuresOf(recent);
  const results: DriftSignalResult[] = [];
  for (const signal of options.signals) {
    results.push(await computeSignal(signal, before, after, options));
  }
  return results;
}

async function computeSignal(
  signal: DriftSignal,
  before: Features,
  after: Features,
  options: SignalOptions,
): Promise<DriftSignalResult> {
  const threshold = options.thresholds[signal];
  const judge = (
    value: number,
    samples: DriftSignalResult['samples'],
    summary: DriftSignalResult['summary'],
    measure: DriftSignalResult['measure'] = 'psi',
  ): DriftSignalResult => {
    const drifted = value > threshold;
    return {
      signal,
      measure,
      value,
      threshold,
      drifted,
      status: drifted ? 'drifted' : 'ok',
      samples,
      summary,
    };
  };
  const without = (
    status: Exclude<SignalStatus, 'ok' | 'drifted'>,
    samples: DriftSignalResult['samples'],
    note: string,
  ): DriftSignalResult => ({
    signal,
    measure: signal === 'input_embedding' ? 'cosine_distance' : 'psi',
    value: null,
    threshold,
    drifted: false,
    status,
    samples,
    summary: null,
    note,
  });
  // Content signals: rows were read but none held content, on either side.
  const contentMissing = (count: (features: Features) => number): boolean =>
    (before.contentRows > 0 && count(before) === 0) || (after.contentRows > 0 && count(after) === 0);
  const enough = (samples: DriftSignalResult['samples']): boolean =>
    samples.reference >= options.minSamples && samples.recent >= options.minSamples;
  const tooFew = (samples: DriftSignalResult['samples']) =>
    without(
      'insufficient_data',
      samples,
      `fewer than ${options.minSamples} samples in a window (min_samples)`,
    );
  const noContent = (samples: DriftSignalResult['samples']) =>
    without('unavailable', samples, 'no stored content in a window (telemetry.capture_content is off?)');

  switch (signal) {
    case 'input_length':
    case 'output_length': {
      const pick = (features: Features) =>
        signal === 'input_length' ? features.inputLengths : features.outputLengths;
      const samples = { reference: pick(before).length, recent: pick(after).length };
      if (!enough(samples)) return tooFew(samples);
      return judge(numericPsi(pick(before), pick(after)), samples, {
        reference: lengthSummary(pick(before)),
        recent: lengthSummary(pick(after)),
      });
    }
    case 'language': {
      const samples = { reference: before.inputs.length, recent: after.inputs.length };
      if (contentMissing((features) => features.inputs.length)) return noContent(samples);
      if (!enough(samples)) return tooFew(samples);
      const languages = (features: Features) => features.inputs.map((text) => detectLanguage(text).language);
      const [referenceLanguages, recentLanguages] = [languages(before), languages(after)];
      return judge(categoricalPsi(referenceLanguages, recentLanguages), samples, {
        reference: shares(referenceLanguages),
        recent: shares(recentLanguages),
      });
    }
    case 'refusal':
    case 'tool_calls': {
      const samples = { reference: before.outputs.length, recent: after.outputs.length };
      if (contentMissing((features) => features.outputs.length)) return noContent(samples);
      if (!enough(samples)) return tooFew(samples);
      const flags = (features: Features) =>
        features.outputs.map((facts) => String(signal === 'refusal' ? facts.refused : facts.toolCalls));
      const [referenceFlags, recentFlags] = [flags(before), flags(after)];
      return judge(categoricalPsi(referenceFlags, recentFlags), samples, {
        reference: { rate: shares(referenceFlags).true ?? 0 },
        recent: { rate: shares(recentFlags).true ?? 0 },
      });
    }
    case 'input_embedding': {
      const pick = (features: Features) =>
        features.inputs
          .slice(0, options.embeddingSampleSize)
          .map((text) => text.slice(0, embeddedCharacters));
      const [referenceTexts, recentTexts] = [pick(before), pick(after)];
      const samples = { reference: referenceTexts.length, recent: recentTexts.length };
      if (options.embedder === null) return without('unavailable', samples, 'no embedder configured');
      if (contentMissing((features) => features.inputs.length)) return noContent(samples);
      if (!enough(samples)) return tooFew(samples);
      try {
        const vectors = await options.embedder.embed([...referenceTexts, ...recentTexts]);
        const distance = centroidCosineDistance(
          vectors.slice(0, referenceTexts.length),
          vectors.slice(referenceTexts.length),
        );
        return judge(distance ?? 0, samples, null, 'cosine_distance');
      } catch (error) {
        return without(
          'error',
          samples,
          `embedding failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}

function lengthSummary(values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return { mean: Number(mean.toFixed(2)), median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

function shares(labels: string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [label, count] of countLabels(labels))
    result[label] = Number((count / labels.length).toFixed(4));
  return result;
}
