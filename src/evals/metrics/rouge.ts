/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum as Google's `rouge-score` computes them: lower-case, every run of
 * non-alphanumerics is a separator, optional Porter stemming of tokens longer than three characters;
 * N-gram overlap clipped by counts; LCS over tokens; Lsum splits on newlines and takes the union LCS of
 * each reference sentence against all candidate sentences. With several references, the one with the
 * best F-measure wins (`score_multi`).
 */
import { stem } from './porter-stemmer.js';

export type RougeType = 'rouge1' | 'rouge2' | 'rougeL' | 'rougeLsum' | `rouge${number}`;

export interface RougeScore {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface RougeOptions {
  /** Porter-stem tokens longer than 3 characters (rouge-score's `use_stemmer`); default false. */
  stemming?: boolean;
}

const nonAlphanumeric = /[^a-z0-9]+/g;
const validToken = /^[a-z0-9]+$/;

/** rouge-score's default tokenizer. */
export function rougeTokens(text: string, stemming = false): string[] {
  const tokens = text.toLowerCase().replace(nonAlphanumeric, ' ').split(/\s+/);
  return tokens
    .map((token) => (stemming && token.length > 3 ? stem(token) : token))
    .filter((token) => validToken.test(token));
}

/**
 * Scores `prediction` against one or more references (the best F-measure among them).
 *
 * @example rouge('rougeL', 'testing one two', 'testing two') // → { precision: 1, recall: 2/3, fmeasure: 0.8 }
 */
export function rouge(
  type: RougeType,
  references: string | readonly string[],
  prediction: string,
  options: RougeOptions = {},
): RougeScore {
  const order = ngramOrderOf(type);
  const stemming = options.stemming ?? false;
  const targets = typeof references === 'string' ? [references] : references;
  let best: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };
  for (const [index, reference] of targets.entries()) {
    const score =
      type === 'rougeLsum'
        ? summaryLevelLcs(sentences(reference, stemming), sentences(prediction, stemming))
        : type === 'rougeL'
          ? lcsScore(rougeTokens(reference, stemming), rougeTokens(prediction, stemming))
          : ngramScore(rougeTokens(reference, stemming), rougeTokens(prediction, stemming), order);
    if (index === 0 || score.fmeasure > best.fmeasure) best = score;
  }
  return best;
}

function ngramOrderOf(type: RougeType): number {
  if (type === 'rougeL' || type === 'rougeLsum') return 0;
  const match = /^rouge([1-9])$/.exec(type);
  if (match === null)
    throw new RangeError(`unknown ROUGE type ${type}: use rouge1…rouge9, rougeL or rougeLsum`);
  return Number(match[1]);
}

function score(hits: number, referenceCount: number, predictionCount: number): RougeScore {
  const precision = hits / Math.max(predictionCount, 1);
  const recall = hits / Math.max(referenceCount, 1);
  const fmeasure = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, fmeasure };
}

function countNgrams(tokens: readonly string[], order: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let start = 0; start + order <= tokens.length; start += 1) {
    const ngram = tokens.slice(start, start + order).join(' ');
    counts.set(ngram, (counts.get(ngram) ?? 0) + 1);
  }
  return counts;
}

function ngramScore(reference: readonly string[], prediction: readonly string[], order: number): RougeScore {
  const referenceCounts = countNgrams(reference, order);
  const predictionCounts = countNgrams(prediction, order);
  let hits = 0;
  for (const [ngram, count] of predictionCounts) hits += Math.min(count, referenceCounts.get(ngram) ?? 0);
  const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
  return score(hits, total(referenceCounts), total(predictionCounts));
}

function lcsTable(reference: readonly string[], candidate: readonly string[]): number[][] {
  const table = Array.from({ length: reference.length + 1 }, () =>
    new Array<number>(candidate.length + 1).fill(0),
  );
  for (let i = 1; i <= reference.length; i += 1) {
    const row = table[i] as number[];
    const previous = table[i - 1] as number[];
    for (let j = 1; j <= candidate.length; j += 1) {
      row[j] =
        reference[i - 1] === candidate[j - 1]
          ? (previous[j - 1] as number) + 1
          : Math.max(previous[j] as number, row[j - 1] as number);
    }
  }
  return table;
}

function lcsScore(reference: readonly string[], prediction: readonly string[]): RougeScore {
  if (reference.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const length = lcsTable(reference, prediction)[reference.length]?.[prediction.length] ?? 0;
  return score(length, reference.length, prediction.length);
}

function sentences(text: string, stemming: boolean): string[][] {
  return text
    .split('\n')
    .map((sentence) => rougeTokens(sentence, stemming))
    .filter((tokens) => tokens.length > 0);
}

/** Indices into `reference` of one longest common subsequence (rouge-score's `_backtrack_norec`). */
function lcsIndices(reference: readonly string[], candidate: readonly string[]): number[] {
  const table = lcsTable(reference, candidate);
  const indices: number[] = [];
  let i = reference.length;
  let j = candidate.length;
  while (i > 0 && j > 0) {
    if (reference[i - 1] === candidate[j - 1]) {
      indices.unshift(i - 1);
      i -= 1;
      j -= 1;
    } else if ((table[i]?.[j - 1] ?? 0) > (table[i - 1]?.[j] ?? 0)) {
      j -= 1;
    } else {
      i -= 1;
    }
  }
  return indices;
}

function summaryLevelLcs(references: string[][], candidates: string[][]): RougeScore {
  const referenceTotal = references.reduce((sum, sentence) => sum + sentence.length, 0);
  const candidateTotal = candidates.reduce((sum, sentence) => sum + sentence.length, 0);
  if (referenceTotal === 0 || candidateTotal === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const referenceCounts = tokenCounts(references);
  const candidateCounts = tokenCounts(candidates);
  let hits = 0;
  for (const sentence of references) {
    const union = new Set<number>();
    for (const candidate of candidates) for (const index of lcsIndices(sentence, candidate)) union.add(index);
    for (const index of [...union].sort((a, b) => a - b)) {
      const token = sentence[index] as string;
      if ((candidateCounts.get(token) ?? 0) > 0 && (referenceCounts.get(token) ?? 0) > 0) {
        hits += 1;
        candidateCounts.set(token, (candidateCounts.get(token) ?? 0) - 1);
        referenceCounts.set(token, (referenceCounts.get(token) ?? 0) - 1);
      }
    }
  }
  return score(hits, referenceTotal, candidateTotal);
}

function tokenCounts(sentencesTokens: string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const sentence of sentencesTokens)
    for (const token of sentence) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}
