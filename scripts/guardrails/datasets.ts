/**
 * Loads the development datasets (../shared/datasets, or GATEHOUSE_DATASETS) for the guardrail
 * training and quality scripts, and splits them reproducibly: a record's split follows a hash of its
 * text, so the held-out part never changes between runs and never leaks into training.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const datasetDirectory = resolve(
  process.env.GATEHOUSE_DATASETS ?? join(import.meta.dirname, '../../../shared/datasets'),
);

function readDataset(name: string): string {
  const path = join(datasetDirectory, name);
  if (!existsSync(path)) {
    throw new Error(`dataset ${path} is missing; set GATEHOUSE_DATASETS to the folder holding the dev sets`);
  }
  return readFileSync(path, 'utf8');
}

/** The share of every dataset kept out of training and used for the reported numbers. */
export const heldOutShare = 0.25;

export function isHeldOut(text: string): boolean {
  const digest = createHash('sha256').update(text).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < heldOutShare;
}

export interface PiiExample {
  text: string;
  spans: { type: string; start: number; end: number }[];
}

export function loadPresidio(): PiiExample[] {
  const records = JSON.parse(readDataset('presidio_synth_pii_v2.json')) as {
    full_text: string;
    spans: { entity_type: string; start_position: number; end_position: number }[];
  }[];
  return records.map((record) => ({
    text: record.full_text,
    spans: record.spans.map((span) => ({
      // Presidio's generator labels links DOMAIN_NAME; its URL recognizer reports them as URL.
      type: span.entity_type === 'DOMAIN_NAME' ? 'URL' : span.entity_type,
      start: span.start_position,
      end: span.end_position,
    })),
  }));
}

export interface LabelledPrompt {
  text: string;
  /** 1: injection or jailbreak; 0: benign. */
  label: 0 | 1;
  source: string;
}

/**
 * Injection/jailbreak prompts (positives) and benign prompts (negatives). XSTest's unsafe prompts are
 * harmful requests but not attacks on the instructions, so they are negatives here: the classifier
 * must learn the shape of an attack, not the topic (harmful topics are the LLM judge's job).
 */
export function loadInjectionPrompts(): LabelledPrompt[] {
  const prompts: LabelledPrompt[] = [];
  const purple = JSON.parse(readDataset('purplellama_prompt_injection.json')) as {
    test_case_prompt: string;
    user_input: string;
  }[];
  for (const record of purple) {
    prompts.push({ text: record.user_input, label: 1, source: 'purplellama' });
    prompts.push({ text: record.test_case_prompt, label: 0, source: 'purplellama-system' });
  }
  for (const name of ['jailbreakbench_jbc_gpt4.json', 'jailbreakbench_pair_gpt4.json']) {
    const artifact = JSON.parse(readDataset(name)) as { jailbreaks: { prompt: string | null }[] };
    for (const jailbreak of artifact.jailbreaks) {
      if (typeof jailbreak.prompt === 'string' && jailbreak.prompt.trim() !== '') {
        prompts.push({ text: jailbreak.prompt, label: 1, source: name.replace('.json', '') });
      }
    }
  }
  for (const row of loadXsTest()) {
    prompts.push({ text: row.prompt, label: 0, source: `xstest-${row.label}` });
  }
  const pairs = JSON.parse(readDataset('gptcache_pairs.json')) as { origin: string; similar: string }[];
  for (const pair of pairs) prompts.push({ text: pair.origin, label: 0, source: 'gptcache' });
  for (const example of loadPresidio()) prompts.push({ text: example.text, label: 0, source: 'presidio' });
  return dedupe(prompts);
}

function dedupe(prompts: LabelledPrompt[]): LabelledPrompt[] {
  const seen = new Set<string>();
  return prompts.filter((prompt) => {
    if (seen.has(prompt.text)) return false;
    seen.add(prompt.text);
    return true;
  });
}

export function loadXsTest(): { prompt: string; label: 'safe' | 'unsafe'; type: string }[] {
  const rows = parseCsv(readDataset('xstest_prompts.csv'));
  const header = rows[0] ?? [];
  const column = (name: string): number => header.indexOf(name);
  return rows.slice(1).flatMap((row) => {
    const prompt = row[column('prompt')];
    const label = row[column('label')];
    if (prompt === undefined || (label !== 'safe' && label !== 'unsafe')) return [];
    return [{ prompt, label, type: row[column('type')] ?? '' }];
  });
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
