/** `-o format[:file]` outputs of the eval commands: each report to stdout or to a file. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { renderReport } from '../evals/reports/render-report.js';
import { reportFormats, type ReportData, type ReportFormat } from '../evals/reports/report-data.js';

export interface ReportOutput {
  format: ReportFormat;
  /** Null for stdout. */
  file: string | null;
}

/** Commander collector for a repeatable `-o`. */
export function collectOutput(value: string, previous: ReportOutput[] = []): ReportOutput[] {
  const colon = value.indexOf(':');
  const format = (colon < 0 ? value : value.slice(0, colon)) as ReportFormat;
  if (!reportFormats.includes(format))
    throw new InvalidArgumentError(`use ${reportFormats.join(', ')}, optionally :file`);
  const file = colon < 0 ? null : value.slice(colon + 1);
  if (file === '') throw new InvalidArgumentError('give a file after the colon');
  return [...previous, { format, file }];
}

export function writeReports(data: ReportData, outputs: readonly ReportOutput[]): void {
  for (const output of outputs.length === 0 ? [{ format: 'table' as const, file: null }] : outputs) {
    const text = renderReport(data, output.format);
    if (output.file === null) process.stdout.write(text);
    else {
      mkdirSync(dirname(output.file), { recursive: true });
      writeFileSync(output.file, text);
      process.stderr.write(`wrote ${output.format} report to ${output.file}\n`);
    }
  }
}
