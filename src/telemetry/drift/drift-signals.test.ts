import { describe, expect, it } from 'vitest';
import { driftMonitorSchema } from '../../config/drift-monitor.js';
import type { Embedder } from '../../embeddings/spec.js';
import type { DriftSample } from '../../storage/drift-samples.js';
import { computeDriftSignals, type SignalOptions } from './drift-signals.js';

const defaults = driftMonitorSchema.parse({ name: 'test' });

/** A stand-in embedder: texts mentioning "parcel" point one way, everything else another. */
const topicEmbedder: Embedder = {
  id: 'test/topics',
  embed: (texts) =>
    Promise.resolve(texts.map((text) => Float32Array.from(/parcel/.test(text) ? [1, 0] : [0, 1]))),
  close: () => Promise.resolve(),
};

function options(overrides: Partial<SignalOptions> = {}): SignalOptions {
  return {
    signals: defaults.signals,
    thresholds: defaults.thresholds,
    minSamples: 10,
    embeddingSampleSize: 200,
    embedder: topicEmbedder,
    ...overrides,
  };
}

function sample(
  count: number,
  row: (index: number) => { input: string; output: unknown; inputTokens: number; outputTokens: number },
): DriftSample {
  const rows = Array.from({ length: count }, (_, index) => row(index));
  return {
    lengths: rows.map(({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens })),
    contents: rows.map(({ input, output }) => ({
      input: { messages: [{ role: 'user', content: input }] },
      output,
    })),
  };
}

const answer = (text: string) => [{ role: 'assistant', content: text }];
const english = sample(40, (index) => ({
  input: `Where is my parcel number ${index}? It was sent to my home last week and I am waiting for it.`,
  output: answer('Your parcel is on its way and should arrive tomorrow.'),
  inputTokens: 20 + (index % 5),
  outputTokens: 12 + (index % 3),
}));

describe('drift signals', () => {
  it('finds no drift between two samples of the same traffic', async () => {
    const signals = await computeDriftSignals(english, english, options());
    expect(signals.map((signal) => [signal.signal, signal.status])).toEqual([
      ['input_embedding', 'ok'],
      ['input_length', 'ok'],
      ['output_length', 'ok'],
      ['language', 'ok'],
      ['refusal', 'ok'],
      ['tool_calls', 'ok'],
    ]);
    expect(signals.every((signal) => signal.value === 0 || Math.abs(signal.value!) < 1e-6)).toBe(true);
  });

  it('names each signal that moved, with its value, threshold and samples', async () => {
    const french = sample(40, (index) => ({
      input: `Bonjour, je voudrais savoir pourquoi la facture ${index} est plus élevée que le mois dernier et comment la payer en plusieurs fois.`,
      output:
        index % 2 === 0
          ? answer("I'm sorry, but I can't help with that.")
          : [
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 'c', type: 'function', function: { name: 'billing', arguments: '{}' } }],
              },
            ],
      inputTokens: 120 + index,
      outputTokens: 12 + (index % 3),
    }));
    const signals = await computeDriftSignals(english, french, options());
    const bySignal = Object.fromEntries(signals.map((signal) => [signal.signal, signal]));
    expect(bySignal.input_embedding).toMatchObject({
      measure: 'cosine_distance',
      drifted: true,
      threshold: 0.05,
    });
    expect(bySignal.input_embedding!.value).toBeCloseTo(1, 6);
    expect(bySignal.input_length).toMatchObject({ drifted: true, samples: { reference: 40, recent: 40 } });
    expect(bySignal.output_length).toMatchObject({ drifted: false, status: 'ok' });
    expect(bySignal.language).toMatchObject({
      drifted: true,
      summary: { reference: { en: 1 }, recent: { fr: 1 } },
    });
    expect(bySignal.refusal).toMatchObject({
      drifted: true,
      summary: { reference: { rate: 0 }, recent: { rate: 0.5 } },
    });
    expect(bySignal.tool_calls).toMatchObject({ drifted: true, summary: { recent: { rate: 0.5 } } });
    // Half the answers refused where none did: 0.5·ln(0.5/1e-4) + 0.5·ln 2, over the 0.2 threshold.
    expect(bySignal.refusal!.value).toBeCloseTo((0.5 - 1e-4) * Math.log(0.5 / 1e-4) + 0.5 * Math.log(2), 6);
  });

  it('reports too few samples as insufficient data, never as drift', async () => {
    const few = sample(5, (index) => ({
      input: 'Bonjour, je voudrais annuler ma commande de la semaine dernière.',
      output: answer("I'm sorry, but I can't help with that."),
      inputTokens: 500 + index,
      outputTokens: 3,
    }));
    const signals = await computeDriftSignals(english, few, options());
    expect(signals.every((signal) => signal.status === 'insufficient_data' && !signal.drifted)).toBe(true);
    expect(signals[1]).toMatchObject({ value: null, samples: { reference: 40, recent: 5 } });
  });

  it('without stored content, judges lengths and marks content signals unavailable', async () => {
    const withoutContent: DriftSample = {
      lengths: english.lengths.map((row) => ({ ...row, inputTokens: row.inputTokens! * 10 })),
      contents: english.contents.map(() => ({ input: null, output: null })),
    };
    const signals = await computeDriftSignals(english, withoutContent, options());
    expect(signals.map((signal) => [signal.signal, signal.status])).toEqual([
      ['input_embedding', 'unavailable'],
      ['input_length', 'drifted'],
      ['output_length', 'ok'],
      ['language', 'unavailable'],
      ['refusal', 'unavailable'],
      ['tool_calls', 'unavailable'],
    ]);
  });

  it('reports a failing embedder on its signal and still judges the others', async () => {
    const failing: Embedder = {
      ...topicEmbedder,
      embed: () => Promise.reject(new Error('model not loaded')),
    };
    const signals = await computeDriftSignals(english, english, options({ embedder: failing }));
    expect(signals[0]).toMatchObject({
      signal: 'input_embedding',
      status: 'error',
      drifted: false,
      note: 'embedding failed: model not loaded',
    });
    expect(signals.slice(1).every((signal) => signal.status === 'ok')).toBe(true);
  });
});
