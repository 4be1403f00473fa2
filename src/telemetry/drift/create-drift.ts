/**
 * Drift detection as the composition root wires it: the reporter (`GET /api/drift`), one alert check
 * per configured monitor, and the embedder, created on first use so a deployment that never asks for
 * `input_embedding` never loads a model.
 */
import type { GatehouseConfig } from '../../config/schema.js';
import type { DriftMonitor } from '../../config/drift-monitor.js';
import { createEmbedder } from '../../embeddings/create-embedder.js';
import type { Embedder } from '../../embeddings/spec.js';
import type { ProviderAdapter } from '../../providers/spec.js';
import type { Database } from '../../storage/database.js';
import { createDriftSamples } from '../../storage/drift-samples.js';
import type { AlertCheck } from '../alerts/alert-check.js';
import { createDriftCheck } from './drift-check.js';
import { createDriftReporter, type DriftReporter } from './drift-reports.js';

export interface Drift {
  reporter: DriftReporter;
  monitors: readonly DriftMonitor[];
  checks: AlertCheck[];
  close(): Promise<void>;
}

export function createDrift(options: {
  database: Database;
  config: GatehouseConfig['drift'];
  /** The provider adapters, read when the embedder is first needed (a `provider` embedder uses one). */
  adapters: () => ReadonlyMap<string, ProviderAdapter>;
}): Drift {
  const { config } = options;
  let embedder: Embedder | undefined;
  const reporter = createDriftReporter({
    samples: createDriftSamples(options.database),
    sampling: {
      sampleSize: config.sample_size,
      contentSampleSize: config.content_sample_size,
      embeddingSampleSize: config.embedding_sample_size,
    },
    embedder: () => (embedder ??= createEmbedder(config.embedder, options.adapters())),
  });
  return {
    reporter,
    monitors: config.monitors,
    checks: config.monitors.map((monitor) => createDriftCheck(monitor, reporter)),
    async close() {
      await embedder?.close();
    },
  };
}
