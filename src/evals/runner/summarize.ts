/**
 * A run's summary from its results: pass rate, mean score, cost, latency, per-metric aggregates, and
 * corpus BLEU per prompt and target where items have `bleu` assertions.
 */
import { segmentsBleu } from '../metrics/bleu.js';
import type { CorpusBleuSummary, ItemResult, MetricSummary, RunSummary } from '../records.js';

export function summarize(results: readonly ItemResult[], durationMs: number): RunSummary {
  const passed = results.filter((result) => result.pass).length;
  const errors = results.filter((result) => result.error !== null).length;
  const latencies = results.flatMap((result) => (result.latencyMs === null ? [] : [result.latencyMs]));
  const metrics = new Map<string, { sum: number; passed: number; count: number }>();
  for (const result of results) {
    for (const assertion of result.assertions) {
      const entry = metrics.get(assertion.metric) ?? { sum: 0, passed: 0, count: 0 };
      entry.sum += assertion.score;
      entry.passed += assertion.pass ? 1 : 0;
      entry.count += 1;
      metrics.set(assertion.metric, entry);
    }
  }
  const metricSummaries: MetricSummary[] = [...metrics.entries()].map(([metric, entry]) => ({
    metric,
    mean: entry.sum / entry.count,
    passRate: entry.passed / entry.count,
    count: entry.count,
  }));
  const corpusBleu = corpusBleuOf(results);
  return {
    items: results.length,
    passed,
    failed: results.length - passed,
    errors,
    passRate: results.length === 0 ? 0 : passed / results.length,
    meanScore:
      results.length === 0 ? 0 : results.reduce((sum, result) => sum + result.score, 0) / results.length,
    cost: results.some((result) => result.cost === null)
      ? null
      : results.reduce((sum, result) => sum + (result.cost ?? 0), 0),
    meanLatencyMs:
      latencies.length === 0 ? null : latencies.reduce((sum, latency) => sum + latency, 0) / latencies.length,
    cachedItems: results.filter((result) => result.cached).length,
    metrics: metricSummaries,
    ...(corpusBleu.length === 0 ? {} : { corpusBleu }),
    durationMs,
  };
}

/** Each graded item's first `bleu` assertion is one segment of its prompt and target's corpus. */
function corpusBleuOf(results: readonly ItemResult[]): CorpusBleuSummary[] {
  const corpora = new Map<
    string,
    { target: string; promptId: string; segments: { hypothesis: string; references: string[] }[] }
  >();
  for (const result of results) {
    const bleu = result.assertions.find(
      (assertion) => assertion.type.replace(/^not-/, '') === 'bleu' && assertion.references !== undefined,
    );
    if (bleu?.references === undefined || result.output === null) continue;
    const key = `${result.promptId}\u0000${result.target}`;
    const corpus = corpora.get(key) ?? { target: result.target, promptId: result.promptId, segments: [] };
    corpus.segments.push({ hypothesis: result.output, references: bleu.references });
    corpora.set(key, corpus);
  }
  return [...corpora.values()].map(({ target, promptId, segments }) => {
    const score = segmentsBleu(segments);
    return {
      target,
      promptId,
      score: score.score,
      precisions: score.precisions,
      brevityPenalty: score.brevityPenalty,
      segments: segments.length,
    };
  });
}
