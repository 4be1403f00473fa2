/** One entry point for every report format. */
import { renderJunit } from './junit-report.js';
import { renderMarkdown } from './markdown-report.js';
import type { ReportData, ReportFormat } from './report-data.js';
import { renderTable } from './table-report.js';

export function renderReport(data: ReportData, format: ReportFormat): string {
  switch (format) {
    case 'table':
      return renderTable(data);
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    case 'junit':
      return renderJunit(data);
    case 'markdown':
      return renderMarkdown(data);
  }
}
