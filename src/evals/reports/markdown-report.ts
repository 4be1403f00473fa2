/** A Markdown summary for pull-request comments and CI job summaries (`$GITHUB_STEP_SUMMARY`). */
import type { ReportData } from './report-data.js';
import { percent, signed } from './report-data.js';

export function renderMarkdown(data: ReportData): string {
  const { summary } = data;
  const lines = [
    `## ${data.gate.passed ? '✅' : '❌'} Eval: ${data.suite}`,
    '',
    `Run \`${data.runId}\` ${data.status}: **${summary.passed}/${summary.items} passed (${percent(summary.passRate)})**, ${summary.errors} errors, mean score ${summary.meanScore.toFixed(3)}, cost ${summary.cost === null ? 'unknown' : `$${summary.cost.toFixed(4)}`}.`,
  ];
  if (!data.gate.passed)
    lines.push('', '**Gate failed:**', ...data.gate.reasons.map((reason) => `- ${reason}`));
  if (data.comparison !== null) {
    const { result, baselineRunId } = data.comparison;
    if (result.flippedToFail.length > 0) {
      lines.push('', `### Regressions against \`${baselineRunId}\``, '', '| test | failures |', '|---|---|');
      for (const change of result.flippedToFail)
        lines.push(
          `| ${cell(`${change.testKey}${change.description === null ? '' : ` ${change.description}`}`)} | ${cell(change.failures.join('; '))} |`,
        );
    }
    lines.push(
      '',
      `### Metrics against \`${baselineRunId}\``,
      '',
      '| metric | baseline | candidate | delta (95% CI) | Wilcoxon p | verdict |',
      '|---|---:|---:|---|---:|---|',
    );
    for (const metric of result.metrics) {
      lines.push(
        `| ${cell(metric.metric)} | ${metric.baselineMean.toFixed(4)} | ${metric.candidateMean.toFixed(4)} | ${signed(metric.delta.mean)} [${signed(metric.delta.low)}, ${signed(metric.delta.high)}] | ${metric.wilcoxon.pValue.toPrecision(3)} | ${metric.verdict} |`,
      );
    }
  }
  if (summary.metrics.length > 0) {
    lines.push('', '### Metrics', '', '| metric | mean | pass rate | n |', '|---|---:|---:|---:|');
    for (const metric of summary.metrics)
      lines.push(
        `| ${cell(metric.metric)} | ${metric.mean.toFixed(4)} | ${percent(metric.passRate)} | ${metric.count} |`,
      );
  }
  if (summary.corpusBleu !== undefined) {
    lines.push(
      '',
      '### Corpus BLEU',
      '',
      '| target | prompt | BLEU | precisions 1-4 | BP | items |',
      '|---|---|---:|---|---:|---:|',
    );
    for (const bleu of summary.corpusBleu)
      lines.push(
        `| ${cell(bleu.target)} | ${cell(bleu.promptId)} | ${bleu.score.toFixed(2)} | ${bleu.precisions.map((precision) => precision.toFixed(1)).join('/')} | ${bleu.brevityPenalty.toFixed(3)} | ${bleu.segments} |`,
      );
  }
  const failing = data.results.filter((result) => !result.pass);
  if (failing.length > 0) {
    lines.push(
      '',
      '<details><summary>Failing items</summary>',
      '',
      '| test | target | failures |',
      '|---|---|---|',
    );
    for (const result of failing) {
      const failures =
        result.error ??
        result.assertions
          .filter((assertion) => !assertion.pass)
          .map((assertion) => `${assertion.metric}: ${assertion.reason}`)
          .join('; ');
      lines.push(`| ${cell(result.testKey)} | ${cell(result.target)} | ${cell(failures)} |`);
    }
    lines.push('', '</details>');
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replaceAll('|', '\\|');
}
