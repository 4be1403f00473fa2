/**
 * The mock upstream's source of randomness for `failureRate`: mulberry32 when a seed is given, so a
 * load test's failure pattern repeats run after run; Math.random otherwise.
 */

/**
 * @example const random = createRandom(42); random() // → the same sequence of [0, 1) numbers on every run
 */
export function createRandom(seed: number | undefined): () => number {
  if (seed === undefined) return Math.random;
  let state = Math.floor(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
