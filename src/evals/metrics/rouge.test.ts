/**
 * The cases of Google rouge-score's `rouge_scorer_test.py`, including its comparisons with ROUGE-1.5.5
 * on the first two lines of its `testdata/target.txt` and `testdata/prediction.txt` (copied below).
 */
import { describe, expect, it } from 'vitest';
import { rouge } from './rouge.js';

const targets = [
  "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
  "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN",
];
const predictions = [
  "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
  "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD",
];

function expectScore(
  actual: { precision: number; recall: number; fmeasure: number },
  precision: number,
  recall: number,
  fmeasure: number,
  digits = 5,
): void {
  expect(actual.precision).toBeCloseTo(precision, digits);
  expect(actual.recall).toBeCloseTo(recall, digits);
  expect(actual.fmeasure).toBeCloseTo(fmeasure, digits);
}

describe('ROUGE (rouge-score-compatible)', () => {
  it('rouge1, rouge2 and rougeL on the unit cases', () => {
    expectScore(rouge('rouge1', 'testing one two', 'testing'), 1, 1 / 3, 1 / 2);
    expectScore(rouge('rouge1', ['testing one two'], 'testing'), 1, 1 / 3, 1 / 2);
    expectScore(rouge('rouge2', 'testing one two', 'testing one'), 1, 1 / 2, 2 / 3);
    expectScore(rouge('rougeL', 'testing one two', 'testing one'), 1, 2 / 3, 4 / 5);
    expectScore(rouge('rougeL', 'testing one two', 'testing two'), 1, 2 / 3, 4 / 5);
    expectScore(rouge('rouge1', 'testing one two', 'testing one'), 1, 2 / 3, 4 / 5);
    expect(rouge('rouge9', 'testing one two', 'testing').fmeasure).toBe(0);
  });

  it('takes the best reference of several', () => {
    const multi = ['first text', 'first something'];
    expect(rouge('rouge1', multi, 'text first').fmeasure).toBeCloseTo(1, 5);
    expect(rouge('rouge2', multi, 'text first').fmeasure).toBeCloseTo(0, 5);
    expect(rouge('rougeL', multi, 'text first').fmeasure).toBeCloseTo(0.5, 5);
  });

  it('is zero for an empty prediction', () => {
    for (const type of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const) {
      expectScore(rouge(type, 'testing one two', ''), 0, 0, 0);
    }
  });

  it('matches ROUGE-1.5.5 without stemming', () => {
    expectScore(rouge('rouge1', targets[0] ?? '', predictions[0] ?? ''), 0.6875, 0.40741, 0.51163);
    expectScore(rouge('rouge1', targets[1] ?? '', predictions[1] ?? ''), 0.65385, 0.40476, 0.5);
    expectScore(rouge('rouge2', targets[0] ?? '', predictions[0] ?? ''), 0.53333, 0.30769, 0.39024);
    expectScore(rouge('rouge2', targets[1] ?? '', predictions[1] ?? ''), 0.48, 0.29268, 0.36364);
    expectScore(rouge('rougeL', targets[0] ?? '', predictions[0] ?? ''), 0.6875, 0.40741, 0.51163);
    expectScore(rouge('rougeL', targets[1] ?? '', predictions[1] ?? ''), 0.65385, 0.40476, 0.5);
  });

  it('matches ROUGE-1.5.5 with Porter stemming', () => {
    const stemming = { stemming: true };
    expectScore(rouge('rouge1', targets[0] ?? '', predictions[0] ?? '', stemming), 0.6875, 0.40741, 0.51163);
    expectScore(rouge('rouge1', targets[1] ?? '', predictions[1] ?? '', stemming), 0.69231, 0.42857, 0.52941);
    expectScore(rouge('rouge2', targets[0] ?? '', predictions[0] ?? '', stemming), 0.53333, 0.30769, 0.39024);
    expectScore(rouge('rouge2', targets[1] ?? '', predictions[1] ?? '', stemming), 0.48, 0.29268, 0.36364);
  });

  it('rougeLsum takes the union LCS over newline-separated sentences', () => {
    expectScore(rouge('rougeLsum', 'w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5'), 0.4, 0.8, 0.5333, 3);
    expectScore(rouge('rougeLsum', 'w1 w2 w3 w4 w5', ''), 0, 0, 0);
    expectScore(rouge('rougeLsum', '', 'w1'), 0, 0, 0);
    expectScore(rouge('rougeLsum', 'w1 w2 w3 w4 w5', '/'), 0, 0, 0);
    const stemming = { stemming: true };
    expect(
      rouge('rougeLsum', 'First sentence.\nSecond Sentence.', 'Second sentence.\nFirst Sentence.', stemming)
        .fmeasure,
    ).toBeCloseTo(1, 5);
    expect(
      rouge('rougeLsum', 'First sentence. Second Sentence.', 'Second sentence. First Sentence.', stemming)
        .fmeasure,
    ).toBeCloseTo(0.5, 5);
  });

  it('rejects unknown types', () => {
    expect(() => rouge('rouge0', 'a', 'a')).toThrow(/unknown ROUGE type/);
  });
});
