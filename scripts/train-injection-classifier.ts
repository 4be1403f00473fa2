/**
 * `npm run train:injection`: trains the tier-2 prompt-injection classifier and writes
 * src/guardrails/injection/injection-model.json.
 *
 * Data: the redistributable development sets (PurpleLlama prompt injections and JailbreakBench
 * prompts as attacks; XSTest, GPTCache questions, Presidio sentences and PurpleLlama's system prompts
 * as benign). A quarter of every set (by a hash of the text) is held out and never trained on.
 * The decision threshold is chosen on out-of-fold scores of the training part (5-fold), as the lowest
 * probability that keeps benign false positives at or under 1% — never on the held-out part.
 *
 * `--extra FILE` (repeatable): more training examples as JSONL, one `{"text": …, "label": 0|1}` per
 * line — the export of the guardrails' review queue (`gatehouse guardrails review export`, or
 * `GET /api/guardrails/review/export`). Lines with a `check_type` other than `injection` are skipped;
 * texts of the held-out part are never trained on.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { extractHashedNgrams } from '../src/guardrails/injection/hashed-ngrams.js';
import type { HashedNgramOptions, SparseVector } from '../src/guardrails/injection/hashed-ngrams.js';
import type { InjectionModel } from '../src/guardrails/injection/injection-classifier.js';
import { probability } from '../src/guardrails/injection/injection-classifier.js';
import { isHeldOut, loadInjectionPrompts } from './guardrails/datasets.js';
import type { LabelledPrompt } from './guardrails/datasets.js';

const features: HashedNgramOptions = {
  buckets: 1 << 15,
  charNgrams: [3, 5],
  wordNgrams: [1, 2],
  maxChars: 6000,
};
const epochs = 40;
const learningRate = 0.05;
const l2 = 1e-5;
const targetFalsePositiveRate = 0.01;
const folds = 5;

interface Example {
  x: SparseVector;
  y: 0 | 1;
}

/** Logistic regression by Adam on the log loss, classes weighted to balance them. */
function train(examples: readonly Example[], seed: number): { weights: Float64Array; bias: number } {
  const weights = new Float64Array(features.buckets);
  const m = new Float64Array(features.buckets);
  const v = new Float64Array(features.buckets);
  let bias = 0;
  let mBias = 0;
  let vBias = 0;
  const positives = examples.filter((example) => example.y === 1).length;
  const classWeight = [
    examples.length / (2 * (examples.length - positives)),
    examples.length / (2 * positives),
  ];
  const order = examples.map((_, index) => index);
  let random = seed;
  const nextRandom = (): number => {
    random = (Math.imul(random, 1664525) + 1013904223) >>> 0;
    return random / 0x1_0000_0000;
  };
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    for (let index = order.length - 1; index > 0; index -= 1) {
      const other = Math.floor(nextRandom() * (index + 1));
      [order[index], order[other]] = [order[other] ?? 0, order[index] ?? 0];
    }
    for (const exampleIndex of order) {
      const { x, y } = examples[exampleIndex] as Example;
      let logit = bias;
      for (let k = 0; k < x.indices.length; k += 1)
        logit += (weights[x.indices[k] ?? 0] ?? 0) * (x.values[k] ?? 0);
      const error = (1 / (1 + Math.exp(-logit)) - y) * (classWeight[y] ?? 1);
      step += 1;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      // Sparse Adam: only the features present move (lazy L2 on them).
      for (let k = 0; k < x.indices.length; k += 1) {
        const j = x.indices[k] ?? 0;
        const gradient = error * (x.values[k] ?? 0) + l2 * (weights[j] ?? 0);
        m[j] = beta1 * (m[j] ?? 0) + (1 - beta1) * gradient;
        v[j] = beta2 * (v[j] ?? 0) + (1 - beta2) * gradient * gradient;
        weights[j] =
          (weights[j] ?? 0) -
          (learningRate * ((m[j] ?? 0) / correction1)) / (Math.sqrt((v[j] ?? 0) / correction2) + epsilon);
      }
      mBias = beta1 * mBias + (1 - beta1) * error;
      vBias = beta2 * vBias + (1 - beta2) * error * error;
      bias -= (learningRate * (mBias / correction1)) / (Math.sqrt(vBias / correction2) + epsilon);
    }
  }
  return { weights, bias };
}

function toModel(
  trained: { weights: Float64Array; bias: number },
  threshold: number,
  training: Record<string, unknown>,
): InjectionModel {
  return {
    version: 1,
    blocks: [
      {
        type: 'hashed_ngrams',
        ...features,
        weights: Array.from(trained.weights, (weight) => Number(weight.toFixed(4))),
      },
    ],
    bias: Number(trained.bias.toFixed(4)),
    threshold,
    training,
  };
}

/** The lowest threshold whose benign false-positive rate stays within the target. */
function chooseThreshold(scored: { p: number; y: 0 | 1 }[]): number {
  const benign = scored
    .filter((item) => item.y === 0)
    .map((item) => item.p)
    .sort((a, b) => b - a);
  const allowed = Math.floor(benign.length * targetFalsePositiveRate);
  const boundary = benign[allowed] ?? 0.5;
  return Math.min(0.99, Math.max(0.01, boundary + 1e-4));
}

/** Labelled examples from review-queue exports (JSONL). */
function loadExtra(path: string): LabelledPrompt[] {
  const prompts: LabelledPrompt[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      const record = JSON.parse(line) as { text?: unknown; label?: unknown; check_type?: unknown };
      if (typeof record.text !== 'string' || (record.label !== 0 && record.label !== 1)) {
        throw new Error(`${path}:${index + 1}: expected {"text": string, "label": 0 or 1}`);
      }
      if (record.check_type !== undefined && record.check_type !== 'injection') return;
      prompts.push({ text: record.text, label: record.label, source: 'review' });
    });
  return prompts;
}

function main(): void {
  const { values } = parseArgs({ options: { extra: { type: 'string', multiple: true } } });
  const extra = (values.extra ?? []).flatMap(loadExtra);
  const prompts = loadInjectionPrompts();
  const trainingPrompts = [
    ...prompts.filter((prompt) => !isHeldOut(prompt.text)),
    ...extra.filter((prompt) => !isHeldOut(prompt.text)),
  ];
  const heldOut = prompts.filter((prompt) => isHeldOut(prompt.text));
  const toExample = (prompt: LabelledPrompt): Example => ({
    x: extractHashedNgrams(prompt.text, features),
    y: prompt.label,
  });
  const examples = trainingPrompts.map(toExample);
  console.log(
    `training on ${examples.length} prompts (${examples.filter((e) => e.y === 1).length} attacks); ${heldOut.length} held out`,
  );

  const outOfFold: { p: number; y: 0 | 1 }[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const fit = examples.filter((_, index) => index % folds !== fold);
    const check = examples.filter((_, index) => index % folds === fold);
    const model = toModel(train(fit, fold + 1), 0.5, {});
    for (const example of check) outOfFold.push({ p: probabilityOfVector(model, example.x), y: example.y });
  }
  const threshold = Number(chooseThreshold(outOfFold).toFixed(4));

  const final = train(examples, 42);
  const draft = toModel(final, threshold, {});
  const heldOutScores = heldOut.map((prompt) => ({
    p: probability(draft, prompt.text),
    y: prompt.label,
    source: prompt.source,
  }));
  const attacks = heldOutScores.filter((item) => item.y === 1);
  const benign = heldOutScores.filter((item) => item.y === 0);
  const recall = attacks.filter((item) => item.p >= threshold).length / attacks.length;
  const falsePositiveRate = benign.filter((item) => item.p >= threshold).length / benign.length;
  console.log(
    `threshold ${threshold}; held-out recall ${recall.toFixed(3)}, benign false positives ${falsePositiveRate.toFixed(3)}`,
  );

  const model = toModel(final, threshold, {
    script: 'scripts/train-injection-classifier.ts',
    datasets: [
      'purplellama_prompt_injection',
      'jailbreakbench_jbc_gpt4',
      'jailbreakbench_pair_gpt4',
      'xstest_prompts',
      'gptcache_pairs',
      'presidio_synth_pii_v2',
      ...(extra.length === 0 ? [] : ['review-queue exports']),
    ],
    examples: examples.length,
    heldOut: heldOut.length,
    targetFalsePositiveRate,
    heldOutRecall: Number(recall.toFixed(4)),
    heldOutFalsePositiveRate: Number(falsePositiveRate.toFixed(4)),
  });
  const path = new URL('../src/guardrails/injection/injection-model.json', import.meta.url);
  writeFileSync(path, JSON.stringify(model) + '\n');
  console.log(`wrote ${path.pathname}`);
}

function probabilityOfVector(model: InjectionModel, x: SparseVector): number {
  const block = model.blocks[0];
  let logit = model.bias;
  for (let k = 0; k < x.indices.length; k += 1)
    logit += (block?.weights[x.indices[k] ?? 0] ?? 0) * (x.values[k] ?? 0);
  return 1 / (1 + Math.exp(-logit));
}

main();
