/**
 * The Porter stemmer as NLTK implements it in its default `NLTK_EXTENSIONS` mode, which is what
 * Google's `rouge-score` uses for `use_stemmer=True`. It follows Porter (1980) with NLTK's departures:
 * a table of irregular forms, words of one or two letters left alone, `ies`/`ied` on four-letter words
 * kept as `ie`, `y → i` only after a consonant, `alli` handled first, `bli → ble`, `fulli` and `logi`.
 * Rules in a list are tried in order and the first whose suffix matches decides, condition met or not.
 */

const irregularForms: Readonly<Record<string, string>> = {
  sky: 'sky',
  skies: 'sky',
  dying: 'die',
  lying: 'lie',
  tying: 'tie',
  news: 'news',
  innings: 'inning',
  inning: 'inning',
  outings: 'outing',
  outing: 'outing',
  cannings: 'canning',
  canning: 'canning',
  howe: 'howe',
  proceed: 'proceed',
  exceed: 'exceed',
  succeed: 'succeed',
};

type Condition = (stem: string) => boolean;
/** [suffix, replacement, condition]; suffix `*d` means "ends in a double consonant". */
type Rule = readonly [string, string, Condition | null];

/**
 * @example stem('itemization') // → 'item'
 */
export function stem(word: string): string {
  const lower = word.toLowerCase();
  const irregular = irregularForms[lower];
  if (irregular !== undefined) return irregular;
  if (lower.length <= 2) return lower;
  let result = step1a(lower);
  result = step1b(result);
  result = step1c(result);
  result = step2(result);
  result = step3(result);
  result = step4(result);
  result = step5a(result);
  return step5b(result);
}

function isConsonant(word: string, index: number): boolean {
  const letter = word[index];
  if (letter === 'a' || letter === 'e' || letter === 'i' || letter === 'o' || letter === 'u') return false;
  if (letter === 'y') return index === 0 ? true : !isConsonant(word, index - 1);
  return true;
}

/** Porter's m: the number of vowel-consonant sequences in [C](VC){m}[V]. */
function measure(stemText: string): number {
  let count = 0;
  let previousVowel = false;
  for (let index = 0; index < stemText.length; index += 1) {
    const consonant = isConsonant(stemText, index);
    if (consonant && previousVowel) count += 1;
    previousVowel = !consonant;
  }
  return count;
}

const positiveMeasure: Condition = (stemText) => measure(stemText) > 0;
const measureAboveOne: Condition = (stemText) => measure(stemText) > 1;

function containsVowel(stemText: string): boolean {
  for (let index = 0; index < stemText.length; index += 1) if (!isConsonant(stemText, index)) return true;
  return false;
}

function endsDoubleConsonant(word: string): boolean {
  return word.length >= 2 && word.at(-1) === word.at(-2) && isConsonant(word, word.length - 1);
}

/** Porter's *o, with NLTK's extension that a two-letter vowel-consonant stem also counts. */
function endsCvc(word: string): boolean {
  const length = word.length;
  return (
    (length >= 3 &&
      isConsonant(word, length - 3) &&
      !isConsonant(word, length - 2) &&
      isConsonant(word, length - 1) &&
      !['w', 'x', 'y'].includes(word.at(-1) ?? '')) ||
    (length === 2 && !isConsonant(word, 0) && isConsonant(word, 1))
  );
}

function applyRules(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d' && endsDoubleConsonant(word)) {
      const stemText = word.slice(0, -2);
      return condition === null || condition(stemText) ? stemText + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stemText = word.slice(0, word.length - suffix.length);
      return condition === null || condition(stemText) ? stemText + replacement : word;
    }
  }
  return word;
}

function step1a(word: string): string {
  if (word.endsWith('ies') && word.length === 4) return `${word.slice(0, -3)}ie`;
  return applyRules(word, [
    ['sses', 'ss', null],
    ['ies', 'i', null],
    ['ss', 'ss', null],
    ['s', '', null],
  ]);
}

function step1b(word: string): string {
  if (word.endsWith('ied')) return word.slice(0, -3) + (word.length === 4 ? 'ie' : 'i');
  if (word.endsWith('eed')) {
    const stemText = word.slice(0, -3);
    return measure(stemText) > 0 ? `${stemText}ee` : word;
  }
  let intermediate: string | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (word.endsWith(suffix)) {
      const candidate = word.slice(0, word.length - suffix.length);
      if (containsVowel(candidate)) {
        intermediate = candidate;
        break;
      }
    }
  }
  if (intermediate === undefined) return word;
  const last = intermediate.at(-1) ?? '';
  return applyRules(intermediate, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => !['l', 's', 'z'].includes(last)],
    ['', 'e', (stemText) => measure(stemText) === 1 && endsCvc(stemText)],
  ]);
}

function step1c(word: string): string {
  return applyRules(word, [
    ['y', 'i', (stemText) => stemText.length > 1 && isConsonant(stemText, stemText.length - 1)],
  ]);
}

const step2Rules: readonly Rule[] = [
  ['ational', 'ate', positiveMeasure],
  ['tional', 'tion', positiveMeasure],
  ['enci', 'ence', positiveMeasure],
  ['anci', 'ance', positiveMeasure],
  ['izer', 'ize', positiveMeasure],
  ['bli', 'ble', positiveMeasure],
  ['alli', 'al', positiveMeasure],
  ['entli', 'ent', positiveMeasure],
  ['eli', 'e', positiveMeasure],
  ['ousli', 'ous', positiveMeasure],
  ['ization', 'ize', positiveMeasure],
  ['ation', 'ate', positiveMeasure],
  ['ator', 'ate', positiveMeasure],
  ['alism', 'al', positiveMeasure],
  ['iveness', 'ive', positiveMeasure],
  ['fulness', 'ful', positiveMeasure],
  ['ousness', 'ous', positiveMeasure],
  ['aliti', 'al', positiveMeasure],
  ['iviti', 'ive', positiveMeasure],
  ['biliti', 'ble', positiveMeasure],
  ['fulli', 'ful', positiveMeasure],
];

function step2(word: string): string {
  if (word.endsWith('alli') && positiveMeasure(word.slice(0, -4))) return step2(`${word.slice(0, -4)}al`);
  // The 'l' of 'logi' → 'log' stays with the stem, so short stems (geo-, theo-) behave like long ones.
  return applyRules(word, [...step2Rules, ['logi', 'log', () => positiveMeasure(word.slice(0, -3))]]);
}

function step3(word: string): string {
  return applyRules(word, [
    ['icate', 'ic', positiveMeasure],
    ['ative', '', positiveMeasure],
    ['alize', 'al', positiveMeasure],
    ['iciti', 'ic', positiveMeasure],
    ['ical', 'ic', positiveMeasure],
    ['ful', '', positiveMeasure],
    ['ness', '', positiveMeasure],
  ]);
}

function step4(word: string): string {
  return applyRules(word, [
    ['al', '', measureAboveOne],
    ['ance', '', measureAboveOne],
    ['ence', '', measureAboveOne],
    ['er', '', measureAboveOne],
    ['ic', '', measureAboveOne],
    ['able', '', measureAboveOne],
    ['ible', '', measureAboveOne],
    ['ant', '', measureAboveOne],
    ['ement', '', measureAboveOne],
    ['ment', '', measureAboveOne],
    ['ent', '', measureAboveOne],
    ['ion', '', (stemText) => measure(stemText) > 1 && ['s', 't'].includes(stemText.at(-1) ?? '')],
    ['ou', '', measureAboveOne],
    ['ism', '', measureAboveOne],
    ['ate', '', measureAboveOne],
    ['iti', '', measureAboveOne],
    ['ous', '', measureAboveOne],
    ['ive', '', measureAboveOne],
    ['ize', '', measureAboveOne],
  ]);
}

function step5a(word: string): string {
  if (!word.endsWith('e')) return word;
  const stemText = word.slice(0, -1);
  const m = measure(stemText);
  return m > 1 || (m === 1 && !endsCvc(stemText)) ? stemText : word;
}

function step5b(word: string): string {
  return applyRules(word, [['ll', 'l', () => measure(word.slice(0, -1)) > 1]]);
}
