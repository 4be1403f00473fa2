import { describe, expect, it } from 'vitest';
import { DatasetFileError, formatDatasetFile, parseDatasetFile } from './dataset-files.js';
import type { DatasetItem } from './dataset-item.js';

const items: DatasetItem[] = [
  {
    id: 'q1',
    input: { question: 'Capital of France?' },
    expected: 'Paris',
    context: ['Paris is the capital, "officially".'],
  },
  { input: { question: 'Line\nbreak, comma' }, metadata: { source: 'trace' } },
];

describe('dataset files', () => {
  it('round-trips JSONL and CSV', () => {
    expect(parseDatasetFile(formatDatasetFile(items, 'jsonl'), 'jsonl')).toEqual(items);
    expect(parseDatasetFile(formatDatasetFile(items, 'csv'), 'csv')).toEqual(items);
  });

  it('reads Promptfoo-style vars and __expected', () => {
    expect(parseDatasetFile('{"vars":{"q":"hi"}}\n', 'jsonl')).toEqual([{ input: { q: 'hi' } }]);
    expect(parseDatasetFile('q,__expected,context\nhi,hello,plain chunk\n', 'csv')).toEqual([
      { input: { q: 'hi' }, expected: 'hello', context: ['plain chunk'] },
    ]);
  });

  it('names the line of bad input', () => {
    expect(() => parseDatasetFile('{"input":{}}\n{oops\n', 'jsonl')).toThrow(/^line 2: not JSON/);
    expect(() => parseDatasetFile('{"input":"x"}\n', 'jsonl')).toThrow(/line 1: input:/);
    expect(() => parseDatasetFile('q,metadata\na,[1]\n', 'csv')).toThrow(DatasetFileError);
    expect(() => parseDatasetFile('q\n"open\n', 'csv')).toThrow(/line 2: quoted field never closed/);
  });
});
