/**
 * Dataset items to and from JSONL and CSV files.
 *
 * JSONL: one item per line (`{"input": {...}, "expected": "...", "context": [...]}`); Promptfoo's
 * `{"vars": {...}}` is read as `input`. CSV: one column per input variable, plus the reserved columns
 * `id`, `expected` (also Promptfoo's `__expected`), `context` (a JSON array, or one chunk of text) and
 * `metadata` (a JSON object).
 */
import { datasetItemSchema, type DatasetItem } from './dataset-item.js';
import { formatCsv, parseCsv } from './csv.js';

export type DatasetFormat = 'jsonl' | 'csv';

export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
}

export function formatFromPath(path: string): DatasetFormat {
  if (/\.jsonl$/i.test(path) || /\.ndjson$/i.test(path)) return 'jsonl';
  if (/\.csv$/i.test(path)) return 'csv';
  throw new DatasetFileError(`${path}: unknown dataset format (use .jsonl or .csv)`);
}

export function parseDatasetFile(text: string, format: DatasetFormat): DatasetItem[] {
  return format === 'jsonl' ? parseJsonl(text) : parseCsvItems(text);
}

export function formatDatasetFile(items: readonly DatasetItem[], format: DatasetFormat): string {
  if (format === 'jsonl')
    return items.map((item) => JSON.stringify(item)).join('\n') + (items.length > 0 ? '\n' : '');
  const variables = [...new Set(items.flatMap((item) => Object.keys(item.input)))];
  const header = ['id', ...variables, 'expected', 'context', 'metadata'];
  const rows = items.map((item) => [
    item.id ?? '',
    ...variables.map((name) => cellText(item.input[name])),
    item.expected ?? '',
    item.context === undefined ? '' : JSON.stringify(item.context),
    item.metadata === undefined ? '' : JSON.stringify(item.metadata),
  ]);
  return formatCsv([header, ...rows]);
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function parseJsonl(text: string): DatasetItem[] {
  const items: DatasetItem[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new DatasetFileError(`line ${index + 1}: not JSON (${(error as Error).message})`);
    }
    if (typeof value === 'object' && value !== null && 'vars' in value && !('input' in value)) {
      const { vars, ...rest } = value as Record<string, unknown>;
      value = { ...rest, input: vars };
    }
    const parsed = datasetItemSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DatasetFileError(
        `line ${index + 1}: ${issue?.path.join('.') || 'item'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    items.push(parsed.data);
  });
  return items;
}

function parseCsvItems(text: string): DatasetItem[] {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    throw new DatasetFileError((error as Error).message);
  }
  const [header, ...body] = rows;
  if (header === undefined) return [];
  return body.map((cells, rowIndex) => {
    const item: DatasetItem = { input: {} };
    header.forEach((column, columnIndex) => {
      const cell = cells[columnIndex] ?? '';
      const name = column.trim();
      if (name === 'id') {
        if (cell !== '') item.id = cell;
      } else if (name === 'expected' || name === '__expected') {
        if (cell !== '') item.expected = cell;
      } else if (name === 'context') {
        if (cell !== '') item.context = parseContextCell(cell);
      } else if (name === 'metadata') {
        if (cell !== '') item.metadata = parseObjectCell(cell, rowIndex + 2);
      } else {
        item.input[name] = cell;
      }
    });
    return item;
  });
}

function parseContextCell(cell: string): string[] {
  if (cell.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(cell);
      if (Array.isArray(parsed))
        return parsed.map((chunk) => (typeof chunk === 'string' ? chunk : JSON.stringify(chunk)));
    } catch {
      // Text that happens to start with "[": one chunk.
    }
  }
  return [cell];
}

function parseObjectCell(cell: string, line: number): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(cell);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new DatasetFileError(`CSV line ${line}: metadata must be a JSON object`);
}
