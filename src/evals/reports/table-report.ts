/** The terminal report: a line per item, the summary, per-metric means, the comparison and the gate. */
import type { ReportData } from './report-data.js';
import { percent, signed } from './report-data.js';

const outputWidth = 48;

export function renderTable(data: ReportData): string {
  const lines: string[] = [];
  const rows = data.results.map((result) => [
    result.error !== null ? 'ERROR' : result.pass ? 'PASS' : 'FAIL',
    result.testKey,
    result.target,
    result.score.toFixed(3),
    result.latencyMs === null ? '-' : `${Math.round(result.latencyMs)} ms`,
    clip(
      result.error ??
        result.assertions
          .filter((assertion) => !assertion.pass)
          .map((assertion) => `${assertion.metric}: ${assertion.reason}`)
          .join('; '),
    ),
  ]);
  lines.push(...formatColumns([['', 'test', 'target', 'score', 'latency', 'failures'], ...rows]));
  const { summary } = data;
  lines.push(
    '',
    `Run ${data.runId} (${data.suite}) ${data.status}: ${summary.passed}/${summary.items} passed (${percent(summary.passRate)}), ${summary.errors} errors, mean score ${summary.meanScore.toFixed(3)}`,
    `Cost ${summary.cost === null ? 'unknown' : `$${summary.cost.toFixed(6)}`}, ${summary.cachedItems} cached, mean latency ${summary.meanLatencyMs === null ? '-' : `${Math.round(summary.meanLatencyMs)} ms`}, took ${(summary.durationMs / 1000).toFixed(1)} s`,
  );
  if (summary.metrics.length > 0) {
    lines.push(
      '',
      ...formatColumns([
        ['metric', 'mean', 'pass rate', 'n'],
        ...summary.metrics.map((metric) => [
          metric.metric,
          metric.mean.toFixed(4),
          percent(metric.passRate),
          String(metric.count),
        ]),
      ]),
    );
  }
  if (summary.corpusBleu !== undefined) {
    lines.push(
      '',
      ...formatColumns([
        ['corpus BLEU', 'prompt', 'BLEU', 'precisions 1-4', 'BP', 'items'],
        ...summary.corpusBleu.map((bleu) => [
          bleu.target,
          bleu.promptId,
          bleu.score.toFixed(2),
          bleu.precisions.map((precision) => precision.toFixed(1)).join('/'),
          bleu.brevityPenalty.toFixed(3),
          String(bleu.segments),
        ]),
      ]),
    );
  }
  if (data.comparison !== null) {
    const { result, baselineRunId } = data.comparison;
    lines.push(
      '',
      `Against baseline ${baselineRunId}: ${result.paired} paired items, pass rate ${percent(result.passRate.baseline)} → ${percent(result.passRate.candidate)}`,
    );
    for (const change of result.flippedToFail)
      lines.push(
        `  ✗ ${change.testKey}${change.description === null ? '' : ` (${change.description})`}: pass → fail — ${clip(change.failures.join('; '))}`,
      );
    for (const change of result.flippedToPass) lines.push(`  ✓ ${change.testKey}: fail → pass`);
    lines.push(
      ...formatColumns([
        ['metric', 'baseline', 'candidate', 'delta', '95% CI', 'sign p', 'wilcoxon p', 'verdict'],
        ...result.metrics.map((metric) => [
          metric.metric,
          metric.baselineMean.toFixed(4),
          metric.candidateMean.toFixed(4),
          signed(metric.delta.mean),
          `[${signed(metric.delta.low)}, ${signed(metric.delta.high)}]`,
          metric.signTest.pValue.toPrecision(3),
          metric.wilcoxon.pValue.toPrecision(3),
          metric.verdict,
        ]),
      ]).map((line) => `  ${line}`),
    );
  }
  lines.push(
    '',
    data.gate.passed
      ? 'Gate: passed'
      : `Gate: FAILED\n${data.gate.reasons.map((reason) => `  - ${reason}`).join('\n')}`,
  );
  return `${lines.join('\n')}\n`;
}

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > outputWidth ? `${flat.slice(0, outputWidth - 1)}…` : flat;
}

function formatColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, [...cell].length)));
  return rows.map((row) =>
    row
      .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
