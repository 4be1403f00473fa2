/**
 * Drift reports: for each group (model, prompt, prompt version, or all traffic) present in the recent
 * window, a bounded sample of its traces in the reference and the recent window, and the signals
 * computed between them. Runs off the data plane (the alert engine's schedule, or an API call).
 */
import type { DriftFilter, DriftGrouping, DriftMonitor } from '../../config/drift-monitor.js';
import type { Embedder } from '../../embeddings/spec.js';
import type { DriftSamples } from '../../storage/drift-samples.js';
import type { TraceScope } from '../../storage/trace-repository.js';
import { computeDriftSignals, type DriftSignalResult } from './drift-signals.js';

export interface DriftWindow {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface DriftReport {
  groupBy: DriftGrouping;
  /** The group's value (model name, prompt name, `name@version`); null for `none`. */
  group: string | null;
  reference: DriftWindow & { sampled: number };
  recent: DriftWindow & { sampled: number };
  /** True when any signal drifted. */
  drifted: boolean;
  signals: DriftSignalResult[];
}

/** What a report is computed from: a monitor's settings, without its alerting fields. */
export type DriftSpec = Pick<DriftMonitor, 'group_by' | 'filter' | 'signals' | 'thresholds' | 'min_samples'>;

export interface DriftSampling {
  /** Traces per window read for the length signals. */
  sampleSize: number;
  /** Of those, traces whose content is read (language, refusals, tool calls). */
  contentSampleSize: number;
  /** Of those, inputs embedded per window. */
  embeddingSampleSize: number;
}

export interface DriftReporter {
  reports(
    spec: DriftSpec,
    windows: { reference: DriftWindow; recent: DriftWindow },
    scope?: TraceScope,
  ): Promise<DriftReport[]>;
}

// Bounds one round's work: a monitor grouped by a high-cardinality field reports its busiest groups.
export const maxGroupsPerReport = 50;

export function createDriftReporter(options: {
  samples: DriftSamples;
  sampling: DriftSampling;
  /** Called only when a spec asks for `input_embedding`, so the model loads only if used. */
  embedder: () => Embedder | null;
}): DriftReporter {
  const { samples, sampling } = options;
  return {
    async reports(spec, windows, scope) {
      const filter: DriftFilter = spec.filter;
      const base = { filter, groupBy: spec.group_by, ...(scope === undefined ? {} : { scope }) };
      const groups = await samples.groups({ ...base, ...windows.recent });
      const wantsContent = spec.signals.some(
        (signal) => signal !== 'input_length' && signal !== 'output_length',
      );
      const embedder = spec.signals.includes('input_embedding') ? options.embedder() : null;
      const reports: DriftReport[] = [];
      for (const { group } of groups.slice(0, maxGroupsPerReport)) {
        const sampleOf = (window: DriftWindow) =>
          samples.sample({
            ...base,
            ...window,
            group,
            limit: sampling.sampleSize,
            contentLimit: wantsContent ? sampling.contentSampleSize : 0,
          });
        const reference = await sampleOf(windows.reference);
        const recent = await sampleOf(windows.recent);
        const signals = await computeDriftSignals(reference, recent, {
          signals: spec.signals,
          thresholds: spec.thresholds,
          minSamples: spec.min_samples,
          embeddingSampleSize: sampling.embeddingSampleSize,
          embedder,
        });
        reports.push({
          groupBy: spec.group_by,
          group,
          reference: { ...windows.reference, sampled: reference.lengths.length },
          recent: { ...windows.recent, sampled: recent.lengths.length },
          drifted: signals.some((signal) => signal.drifted),
          signals,
        });
      }
      return reports;
    },
  };
}

/** A monitor's windows at `now`: the recent window ends now; the reference ends `offset` earlier. */
export function monitorWindows(
  monitor: Pick<DriftMonitor, 'recent' | 'reference'>,
  now: number,
): { reference: DriftWindow; recent: DriftWindow } {
  const referenceEnd = now - (monitor.reference.offset ?? monitor.recent);
  return {
    recent: { from: now - monitor.recent, to: now },
    reference: { from: referenceEnd - monitor.reference.window, to: referenceEnd },
  };
}
