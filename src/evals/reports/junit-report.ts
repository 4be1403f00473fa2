/**
 * JUnit XML, which every CI shows as test results: one <testsuite> per target, one <testcase> per item,
 * <failure> for a failed item (its failing assertions), <error> for an item that could not be graded.
 */
import type { ItemResult } from '../records.js';
import type { ReportData } from './report-data.js';

export function renderJunit(data: ReportData): string {
  const byTarget = new Map<string, ItemResult[]>();
  for (const result of data.results)
    byTarget.set(result.target, [...(byTarget.get(result.target) ?? []), result]);
  const seconds = (ms: number | null): string => ((ms ?? 0) / 1000).toFixed(3);
  const suites = [...byTarget.entries()].map(([target, results]) => {
    const failures = results.filter((result) => !result.pass && result.error === null).length;
    const errors = results.filter((result) => result.error !== null).length;
    const time = results.reduce((sum, result) => sum + (result.latencyMs ?? 0), 0);
    const cases = results.map((result) => {
      const name = `${result.testKey}${result.description === null ? '' : `: ${result.description}`} [${result.promptId}]`;
      const open = `    <testcase classname="${xml(`${data.suite}.${target}`)}" name="${xml(name)}" time="${seconds(result.latencyMs)}"`;
      if (result.error !== null)
        return `${open}>\n      <error message="${xml(result.error)}"/>\n    </testcase>`;
      if (result.pass) return `${open}/>`;
      const failed = result.assertions.filter((assertion) => !assertion.pass);
      const detail = failed
        .map((assertion) => `${assertion.metric} (score ${assertion.score.toFixed(3)}): ${assertion.reason}`)
        .join('\n');
      return `${open}>\n      <failure message="${xml(failed.map((assertion) => assertion.metric).join(', ') || 'below the test threshold')}">${xml(`${detail}\n\nOutput:\n${result.output ?? ''}`)}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(`${data.suite} / ${target}`)}" tests="${results.length}" failures="${failures}" errors="${errors}" time="${seconds(time)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const { summary } = data;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(data.suite)}" tests="${summary.items}" failures="${summary.failed - summary.errors}" errors="${summary.errors}" time="${seconds(summary.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function xml(text: string): string {
  return (
    text
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      // XML 1.0 cannot carry most control characters, even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
