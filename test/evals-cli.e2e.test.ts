/**
 * The RAG Q&A example as a CI job runs it: `gatehouse eval run` against the mock models with a scripted
 * judge, every report format, a re-run answered from the response cache, a candidate three items worse
 * failing the regression gate with those items listed, and a suite error reported with its line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const directory = mkdtempSync(join(tmpdir(), 'gatehouse-evals-cli-'));
const env = { ...process.env, DATABASE_URL: join(directory, 'gatehouse.db'), GATEHOUSE_CONFIG: '' };
const example = ['-c', 'examples/rag-qa/suite.yaml', '--gateway-config', 'examples/rag-qa/gatehouse.yaml'];
const gatehouse = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });

interface JsonReport {
  runId: string;
  summary: {
    items: number;
    passed: number;
    cachedItems: number;
    metrics: { metric: string }[];
    corpusBleu?: { target: string; score: number; segments: number }[];
  };
  gate: { passed: boolean; reasons: string[] };
}

describe('gatehouse eval with the RAG Q&A example', () => {
  it('runs, gates, caches and catches the regression', { timeout: 240_000 }, () => {
    const baselineJson = join(directory, 'baseline.json');
    const baseline = gatehouse([
      'eval',
      'run',
      ...example,
      '--label',
      'production',
      '-o',
      `json:${baselineJson}`,
    ]);
    expect(baseline.stderr).toContain('rag-qa@production');
    expect(baseline.status).toBe(0);
    const report = JSON.parse(readFileSync(baselineJson, 'utf8')) as JsonReport;
    expect(report.summary).toMatchObject({ items: 20, passed: 20, cachedItems: 0 });
    expect(report.summary.metrics.map((metric) => metric.metric)).toEqual([
      'answer-overlap',
      'bleu',
      'similar',
      'helpfulness',
      'faithfulness',
      'context-precision',
      'context-recall',
      'not-is-refusal',
      'latency',
      'concise',
    ]);
    // Corpus BLEU over the 20 items' bleu assertions, one corpus per prompt and target.
    expect(report.summary.corpusBleu).toEqual([
      expect.objectContaining({ target: 'rag-v1', segments: 20, score: expect.any(Number) as number }),
    ]);

    // Re-running costs nothing: every target and judge call comes from the response cache.
    const again = gatehouse(['eval', 'run', ...example, '-o', `json:${join(directory, 'again.json')}`]);
    expect(again.status).toBe(0);
    expect(
      (JSON.parse(readFileSync(join(directory, 'again.json'), 'utf8')) as JsonReport).summary.cachedItems,
    ).toBe(20);

    const junit = join(directory, 'out', 'junit.xml');
    const markdown = join(directory, 'out', 'summary.md');
    const candidate = gatehouse([
      'eval',
      'run',
      ...example,
      '--target',
      'rag-v2',
      '--baseline',
      'production',
      '--fail-on-regression',
      '-o',
      'table',
      '-o',
      `junit:${junit}`,
      '-o',
      `markdown:${markdown}`,
    ]);
    expect(candidate.status).toBe(1);
    const flipped = candidate.stdout.split('\n').filter((line) => line.includes('pass → fail'));
    expect(flipped.map((line) => line.trim().split(':')[0])).toEqual(['✗ everest', '✗ dna', '✗ sahara']);
    expect(candidate.stdout).toContain('Gate: FAILED\n  - 3 item(s) flipped from pass to fail');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite name="rag-qa / rag-v2" tests="20" failures="3" errors="0"');
    expect(xml).toMatch(
      /<testcase classname="rag-qa.rag-v2" name="everest \[grounded-answer\]" time="[\d.]+">\n\s+<failure message="answer-overlap, similar, helpfulness">/,
    );
    const summary = readFileSync(markdown, 'utf8');
    expect(summary).toContain('## ❌ Eval: rag-qa');
    expect(summary).toMatch(
      /### Corpus BLEU\n\n\| target \| prompt \| BLEU .*\n.*\n\| rag-v2 \| grounded-answer \| \d+\.\d\d \|/,
    );
    expect(candidate.stdout).toMatch(/corpus BLEU +prompt +BLEU/);
    expect(summary).toMatch(/\| everest \| answer-overlap: rougeL F 0\.0000/);

    const list = gatehouse(['eval', 'list', '--suite', 'rag-qa']);
    expect(list.stdout.trim().split('\n')).toHaveLength(3);
    expect(list.stdout).toContain('[production]');
  });

  it('exits 2 with the line and column of a suite error', { timeout: 60_000 }, () => {
    const suite = join(directory, 'bad.yaml');
    writeFileSync(
      suite,
      'prompts: ["{{q}}"]\ntargets: [mock]\ntests:\n  - vars: { q: hi }\n    assert:\n      - type: icontain\n',
    );
    const result = gatehouse(['eval', 'validate', suite]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `${suite}:6:15: tests[0].assert[0].type: unknown assertion type "icontain" (did you mean "icontains"?)`,
    );
  });

  it('imports, versions and exports datasets', { timeout: 180_000 }, () => {
    const items = gatehouse(['datasets', 'import', 'rag', 'examples/rag-qa/tests.jsonl', '--note', 'seed']);
    expect(items.stdout).toBe('rag v1: 20 items (20 imported)\n');
    expect(items.status).toBe(0);
    const csv = join(directory, 'rag.csv');
    expect(gatehouse(['datasets', 'export', 'rag', '--out', csv]).status).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('id,question,expected,context,metadata');
    expect(gatehouse(['datasets', 'import', 'rag', csv]).stdout).toBe('rag v2: 40 items (20 imported)\n');
    expect(gatehouse(['datasets', 'list']).stdout).toBe('rag  v2  40 items\n');
  });
});
